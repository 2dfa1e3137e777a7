#!/usr/bin/env bash
# Consumer suite (`npm run test:consumers`): proves the packed npm package in real applications.
#
#   1. builds the package (npm run build:lib) and packs it (npm pack ./dist-package) into a temporary directory;
#   2. for each consumer (default_consumers below, or the names given as arguments): copies the fixture to the
#      temporary directory, installs its dependencies plus the tarball from the registry, starts the local
#      Infisical-compatible server (demo seed, free port), runs the consumer's `test:ci` script and stops the server;
#   3. prints one line per consumer, "consumer <name>: N passed, N failed", and exits non-zero if any failed.
#
# Contract with a fixture: `npm run test:ci` writes test-results.json (Jest --json) or test-results.tap (node:test)
# into the fixture's directory. The tests get INFISICAL_SITE_URL, INFISICAL_CLIENT_ID, INFISICAL_CLIENT_SECRET,
# INFISICAL_PROJECT_ID, INFISICAL_ENVIRONMENT and INFISICAL_SEED_FILE, and NESTJS_INFISICAL_REPO, the repository's path
# (docs-snippets reads the documentation's code blocks there).
#
# Nothing is written inside the repository except dist-package/ (git-ignored); the temporary directory is removed
# on exit (KEEP_CONSUMER_WORKDIR=1 keeps it for debugging).
set -uo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
fixtures="$repo/test/consumers"
seed="$repo/test/support/fixtures/demo-seed.json"
# The consumers `npm run test:consumers` runs, one fixture directory of test/consumers each.
default_consumers=(
  nest11-cjs    # NestJS 11, CommonJS, Jest
  nest12-esm    # NestJS 12, ESM, node:test
  docs-snippets # every ts code block of README.md and docs/*.md, type-checked
  docs-app      # docs/getting-started.md followed word for word: a new app boots healthy
)
if [ "$#" -gt 0 ]; then consumers=("$@"); else consumers=("${default_consumers[@]}"); fi

work="$(mktemp -d "${TMPDIR:-/tmp}/nestjs-infisical-consumers.XXXXXX")"
server_pid=""
install_pids=()

stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
    server_pid=""
  fi
}
cleanup() {
  stop_server
  for pid in ${install_pids[@]+"${install_pids[@]}"}; do [ -n "$pid" ] && kill "$pid" 2>/dev/null; done
  if [ "${KEEP_CONSUMER_WORKDIR:-}" = "1" ]; then echo "consumer work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Prints the last lines of a log, without any line that could carry a credential.
show_log() {
  grep -viE 'secret|token|password' "$1" | tail -n "${2:-40}" | sed 's/^/    /'
}

# Starts the local server on a free port; sets server_pid and server_env (KEY=VALUE lines for the tests).
start_server() {
  local log="$1" url=""
  (cd "$repo" && exec node --import tsx test/support/infisical-server/main.ts --port 0 --seed "$seed") >"$log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 150); do
    url="$(sed -n 's/^Local Infisical listening on \(http[^ ]*\).*/\1/p' "$log")"
    [ -n "$url" ] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.2
  done
  if [ -z "$url" ]; then
    echo "  the local Infisical server did not start:"
    show_log "$log"
    stop_server
    return 1
  fi
  server_env="$(sed -n 's/^  export \(INFISICAL_[A-Z_]*=[^ ]*\)$/\1/p' "$log")"
}

# Jest --json or node:test TAP results -> "passed failed"; nothing when there are no results.
count_results() {
  local dir="$1"
  if [ -f "$dir/test-results.json" ]; then
    node -e '
      const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
      console.log(r.numPassedTests, r.numFailedTests + (r.numRuntimeErrorTestSuites || 0));
    ' "$dir/test-results.json"
  elif [ -f "$dir/test-results.tap" ]; then
    node -e '
      const tap = require("fs").readFileSync(process.argv[1], "utf8");
      const count = (name) => Number((tap.match(new RegExp(`^# ${name} (\\d+)$`, "m")) || [])[1] || 0);
      console.log(count("pass"), count("fail") + count("cancelled"));
    ' "$dir/test-results.tap"
  fi
}

echo "== building and packing nestjs-infisical"
if ! (cd "$repo" && npm run --silent build:lib && npm pack ./dist-package --json --pack-destination "$work" >"$work/pack.json"); then
  for name in "${consumers[@]}"; do echo "consumer $name: 0 passed, 1 failed"; done
  exit 1
fi
tarball="$work/$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))[0].filename)' "$work/pack.json")"
echo "   $(basename "$tarball") ($(wc -c <"$tarball" | tr -d ' ') bytes)"

# Installs run in parallel (they mostly wait for the registry); the suites run one after the other, each against
# a server of its own.
for i in "${!consumers[@]}"; do
  name="${consumers[$i]}"
  install_pids[i]=""
  [ -f "$fixtures/$name/package.json" ] || continue
  cp -R "$fixtures/$name" "$work/$name"
  rm -rf "$work/$name/node_modules" "$work/$name/dist" "$work/$name"/test-results.*
  (cd "$work/$name" && exec npm install --no-audit --no-fund --loglevel=error "$tarball") >"$work/$name-install.log" 2>&1 &
  install_pids[i]=$!
done
install_started=$SECONDS

summary=()
failures=0
for i in "${!consumers[@]}"; do
  name="${consumers[$i]}"
  dir="$work/$name"
  passed=0
  failed=1
  echo "== consumer $name"
  if [ -z "${install_pids[i]}" ]; then
    echo "  no fixture test/consumers/$name"
  elif ! wait "${install_pids[i]}"; then
    echo "  npm install failed:"
    show_log "$work/$name-install.log"
  else
    echo "   installed ($((SECONDS - install_started)) s after the installs started)"
    started=$SECONDS
    if start_server "$work/$name-server.log"; then
      (
        cd "$dir" || exit 1
        while IFS= read -r var; do unset "$var"; done < <(compgen -e | grep '^INFISICAL_')
        while IFS= read -r assignment; do [ -n "$assignment" ] && export "${assignment?}"; done <<<"$server_env"
        export INFISICAL_SEED_FILE="$seed"
        export NESTJS_INFISICAL_REPO="$repo"
        npm run --silent test:ci
      )
      status=$?
      stop_server
      counts="$(count_results "$dir")"
      if [ -n "$counts" ]; then
        read -r passed failed <<<"$counts"
        # A run that failed without a failing test (a crash after the tests, nothing ran) still fails.
        if [ "$failed" -eq 0 ] && { [ "$status" -ne 0 ] || [ "$passed" -eq 0 ]; }; then failed=1; fi
      else
        echo "  the test run produced no results"
      fi
    fi
    echo "   tested in $((SECONDS - started)) s"
  fi
  summary+=("consumer $name: $passed passed, $failed failed")
  [ "$failed" -ne 0 ] && failures=$((failures + 1))
done

printf '%s\n' "${summary[@]}"
[ "$failures" -eq 0 ]
