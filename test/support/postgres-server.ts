import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

import type { SqlDatabaseProviderInputs } from './infisical-server/index.js';
import { freePort } from './free-port.js';

/** What `pg`'s `Client` / `Pool` take to reach the cluster. */
export interface PostgresConnection {
  host: string;
  port: number;
  database: string;
  user: string;
  password?: string;
}

/** The schema and table every lease role is granted (SELECT, INSERT, UPDATE, DELETE; sequences USAGE, SELECT). */
export const TEST_SCHEMA = 'app';
export const TEST_TABLE = 'app.items';

/**
 * What a lease role is made, renewed and dropped with: Infisical's PostgreSQL defaults, granting the test schema
 * instead of `public`, and revocation with `DROP OWNED BY` before `DROP ROLE` (open sessions are not ended).
 */
export const TEST_SCHEMA_STATEMENTS = {
  creationStatement:
    `CREATE USER "{{username}}" WITH ENCRYPTED PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';\n` +
    `GRANT USAGE ON SCHEMA ${TEST_SCHEMA} TO "{{username}}";\n` +
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${TEST_SCHEMA} TO "{{username}}";\n` +
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${TEST_SCHEMA} TO "{{username}}";`,
  renewStatement: `ALTER ROLE "{{username}}" VALID UNTIL '{{expiration}}';`,
  revocationStatement:
    `REVOKE ALL PRIVILEGES ON ALL TABLES IN SCHEMA ${TEST_SCHEMA} FROM "{{username}}";\n` +
    `REVOKE ALL PRIVILEGES ON ALL SEQUENCES IN SCHEMA ${TEST_SCHEMA} FROM "{{username}}";\n` +
    `REVOKE USAGE ON SCHEMA ${TEST_SCHEMA} FROM "{{username}}";\n` +
    `DROP OWNED BY "{{username}}";\nDROP ROLE "{{username}}";`,
} as const;

const INSTALL_HINT = 'apt-get install -y postgresql, or set POSTGRES_BIN_DIR';

/** `$POSTGRES_BIN_DIR`, else the newest `/usr/lib/postgresql/<major>/bin` that has `initdb` (Debian's layout). */
export function postgresBinDir(): string {
  const fromEnv = process.env['POSTGRES_BIN_DIR'];
  if (fromEnv) return fromEnv;
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : [];
  const newest = majors.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error(`PostgreSQL server binaries not found under ${root} (${INSTALL_HINT})`);
  return join(root, newest, 'bin');
}

/** uid/gid of the `postgres` system user: the server refuses to run as root. */
function postgresUser(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error(`no 'postgres' system user to run PostgreSQL as (${INSTALL_HINT} creates it)`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/**
 * A throw-away PostgreSQL cluster on a free loopback port, started and stopped by the test file that uses it:
 * `initdb` (password logins over TCP checked with scram-sha-256, so `VALID UNTIL` is enforced; trust on the unix
 * socket) and `pg_ctl`, as the `postgres` user when running as root. Admin queries go over the socket; lease roles
 * log in over TCP. `stop()` stops the cluster and removes its folder.
 */
export class PostgresServer {
  readonly database = 'postgres';
  #admin: pg.Client | undefined;
  #onExit = (): void => void spawnSync(join(this.bin, 'pg_ctl'), ['-D', this.dataDir, '-m', 'immediate', 'stop'], this.spawnOptions());

  private constructor(
    readonly port: number,
    /** Holds the data folder, the log and the unix socket. */
    readonly dir: string,
    private readonly bin: string,
    private readonly owner: { uid: number; gid: number } | undefined,
    /** Real ms `start()` took (initdb + pg_ctl start + the test schema). */
    public startMs = 0,
  ) {}

  static async start(): Promise<PostgresServer> {
    const began = performance.now();
    const bin = postgresBinDir();
    const owner = process.getuid?.() === 0 ? postgresUser() : undefined;
    const dir = mkdtempSync(join(tmpdir(), 'pg-'));
    if (owner) chownSync(dir, owner.uid, owner.gid);
    const server = new PostgresServer(await freePort(), dir, bin, owner);
    try {
      await server.run('initdb', ['-D', server.dataDir, '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256', '--no-sync', '--no-locale', '-E', 'UTF8']);
      const settings = `-p ${server.port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=16MB -c max_connections=50`;
      await server.run('pg_ctl', ['-D', server.dataDir, '-l', join(dir, 'log'), '-o', settings, '-w', '-t', '30', 'start']);
      process.once('exit', server.#onExit);
      server.#admin = new pg.Client(server.admin);
      server.#admin.on('error', () => undefined);
      await server.#admin.connect();
      await server.#admin.query(
        `CREATE SCHEMA ${TEST_SCHEMA}; CREATE TABLE ${TEST_TABLE} (id serial PRIMARY KEY, note text NOT NULL DEFAULT ''); INSERT INTO ${TEST_TABLE} (note) VALUES ('seeded')`,
      );
    } catch (error) {
      await server.stop();
      throw error;
    }
    server.startMs = performance.now() - began;
    return server;
  }

  private get dataDir(): string {
    return join(this.dir, 'data');
  }

  /** The superuser over the unix socket (trust), for admin queries and as a dynamic secret's provider connection. */
  get admin(): PostgresConnection {
    return { host: this.dir, port: this.port, database: this.database, user: 'postgres' };
  }

  /** How a lease's credentials connect: TCP on 127.0.0.1 with a password. */
  connectionFor(user: string, password: string): PostgresConnection {
    return { host: '127.0.0.1', port: this.port, database: this.database, user, password };
  }

  /** `sql-database` provider inputs for a dynamic secret on this cluster; lease roles get the test schema. */
  providerInputs(statements: Partial<typeof TEST_SCHEMA_STATEMENTS> = TEST_SCHEMA_STATEMENTS): SqlDatabaseProviderInputs {
    return { client: 'postgres', host: this.dir, port: this.port, database: this.database, username: 'postgres', ...statements };
  }

  async query<R extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<R[]> {
    if (!this.#admin) throw new Error('PostgresServer is not running');
    return (await this.#admin.query<R>(sql, params)).rows;
  }

  /** Login roles other than the superuser, with their `VALID UNTIL` (null = none). */
  async loginRoles(): Promise<{ name: string; validUntil: Date | null }[]> {
    return this.query<{ name: string; validUntil: Date | null }>(
      `SELECT rolname AS name, rolvaliduntil AS "validUntil" FROM pg_roles WHERE rolcanlogin AND rolname <> 'postgres' ORDER BY rolname`,
    );
  }

  async roleExists(name: string): Promise<boolean> {
    return (await this.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name])).length === 1;
  }

  /** Logs in over TCP (and runs `SELECT 1`): undefined when that worked, else the error (`code` 28P01 for a refused password). */
  async loginError(user: string, password: string): Promise<(Error & { code?: string }) | undefined> {
    const client = new pg.Client(this.connectionFor(user, password));
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return undefined;
    } catch (error) {
      return error as Error & { code?: string };
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** Stops the cluster (`-m fast`: open sessions end) and removes its folder. */
  async stop(): Promise<void> {
    await this.#admin?.end().catch(() => undefined);
    this.#admin = undefined;
    process.removeListener('exit', this.#onExit);
    if (existsSync(join(this.dataDir, 'postmaster.pid'))) {
      await this.run('pg_ctl', ['-D', this.dataDir, '-m', 'fast', '-w', 'stop']).catch(() => undefined);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private spawnOptions() {
    return { cwd: this.dir, env: { ...process.env, HOME: this.dir, LC_ALL: 'C' }, ...(this.owner ?? {}) };
  }

  private run(program: string, args: string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(join(this.bin, program), args, { ...this.spawnOptions(), stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('error', (error) => reject(new Error(`${program} could not run (${INSTALL_HINT}): ${error.message}`)));
      child.once('exit', (code) => {
        if (code === 0) resolve();
        else reject(new Error(`${program} ${args.at(-1)} failed with exit code ${code}: ${output.trim().slice(-600)}`));
      });
    });
  }
}
