import { diagnoseMissingKeys, findReadableEnvironments } from '../diagnostics/missing-keys.diagnosis.js';
import { checkFolder } from '../diagnostics/not-found.diagnosis.js';
import { closestMatch } from '../diagnostics/closest-match.js';
import { describeTarget } from '../errors/describe-target.js';
import { InfisicalEnvironmentNotFoundError, InfisicalPermissionError, InfisicalSecretPathNotFoundError } from '../errors/access.errors.js';
import { InfisicalConfigValidationError } from '../errors/configuration.errors.js';
import { InfisicalOptionsError } from '../errors/options.error.js';
import { infisicalOptionsFromEnv } from '../options/options-from-env.js';
import { resolveInfisicalOptions } from '../options/options.resolver.js';
import type { ResolvedSource } from '../options/resolved-options.interface.js';
import type { InfisicalTarget } from '../interfaces/infisical-source.interface.js';
import { formatDuration } from './duration.format.js';
import type { VerifyContext } from './verify-context.js';
import type { VerifyStepId } from './verification-report.js';

/** A check failed: `summary` goes into the step table, `error` decides the exit code and the full message. */
export class StepFailure extends Error {
  constructor(
    readonly summary: string,
    readonly error: unknown,
    /** When the real cause is what a later check verifies (e.g. missing keys because the environment is not readable). */
    readonly rootCause?: { step: VerifyStepId; summary: string },
  ) {
    super(summary);
  }
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const quoted = (items: readonly string[]) => items.map((i) => `"${i}"`).join(', ');
/** `"dev"` for one source, `#1 "dev", #2 "prod"` for several. */
const each = (sources: readonly ResolvedSource[], text: (s: ResolvedSource) => string) =>
  sources.length === 1 ? text(sources[0]!) : sources.map((s, i) => `#${i + 1} ${text(s)}`).join(', ');

/** The ten checks of `verify-infisical`, in order; each resolves to its detail line or throws. */
export const VERIFY_CHECKS: Record<VerifyStepId, (ctx: VerifyContext) => Promise<string>> = {
  async options(ctx) {
    // Masked from the start, in case a secret was pasted into another variable that a message quotes.
    ctx.redactor.add('credentials', ctx.input.env.INFISICAL_CLIENT_SECRET?.trim(), ctx.input.env.INFISICAL_TOKEN?.trim());
    const fromEnv = infisicalOptionsFromEnv(ctx.input.env);
    if (fromEnv.enabled === false) {
      throw new InfisicalOptionsError([
        { option: 'enabled', variable: 'INFISICAL_ENABLED', problem: 'is false: the app then reads only the process environment / .env, so there is no Infisical connection to verify; unset it (or set it to true) to check the Infisical settings' },
      ]);
    }
    const options = resolveInfisicalOptions({ ...fromEnv, schema: ctx.input.schema?.schema, requiredKeys: [...(fromEnv.requiredKeys ?? []), ...ctx.input.requiredKeys] });
    ctx.connect({ ...options, auth: options.auth! });
    const auth = options.auth!;
    const who = auth.method === 'universal-auth' ? `, client ID ${auth.clientId}` : auth.method === 'token' ? `, ${ctx.session.label}` : `, ${ctx.session.label} as identity ${auth.identityId}`;
    return `site ${options.siteUrl}, ${each(options.sources, (s) => `project ${s.projectId}, environment "${s.environment}", path "${s.secretPath}"`)}${who}`;
  },

  async site(ctx) {
    const started = ctx.clock.now();
    const status = await ctx.connection.api.status(ctx.sources[0]!, ctx.signal);
    return `GET /api/status answered "${status.message || 'Ok'}" in ${ctx.clock.now() - started} ms`;
  },

  async login(ctx) {
    const token = await ctx.session.login(ctx.signal);
    const ttl = token.expiresAt === undefined ? 'no expiry' : formatDuration((token.expiresAt - token.issuedAt) / 1000);
    const maxTtl = token.maxExpiresAt === undefined ? 'none' : formatDuration((token.maxExpiresAt - token.issuedAt) / 1000);
    return `access token TTL ${ttl}, max TTL ${maxTtl}`;
  },

  async project(ctx) {
    const lines: string[] = [];
    for (const source of ctx.sources) {
      if (ctx.projects.has(source.projectId)) continue;
      const project = await ctx.project(source);
      lines.push(`${project.name ? `"${project.name}" ` : ''}(${source.projectId}), environments: ${project.environments.join(', ') || 'none'}`);
    }
    return lines.join('; ');
  },

  async environment(ctx) {
    for (const source of ctx.sources) {
      const environments = ctx.projects.get(source.projectId)?.environments ?? [];
      if (!environments.includes(source.environment)) {
        const suggestion = closestMatch(source.environment, environments);
        throw new StepFailure(
          `"${source.environment}" does not exist${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
          new InfisicalEnvironmentNotFoundError(source, environments, suggestion),
        );
      }
    }
    return `${each(ctx.sources, (s) => `"${s.environment}"`)} exist${ctx.sources.length === 1 ? 's' : ''}`;
  },

  async secretPath(ctx) {
    const details: string[] = [];
    for (const source of ctx.sources) {
      if (source.secretPath === '/') {
        details.push('"/" (root folder)');
        continue;
      }
      const folder = await ctx.withToken((token) => checkFolder(ctx.connection.api, token, source, ctx.signal));
      if (folder instanceof InfisicalSecretPathNotFoundError) {
        throw new StepFailure(`"${source.secretPath}" does not exist${folder.suggestion ? ` (did you mean "${folder.suggestion}"?)` : ''}`, folder);
      }
      // Listing folders is a separate permission in Infisical: without it, the list call decides.
      if (folder === 'unknown') await ctx.list();
      details.push(`"${source.secretPath}" exists${folder === 'unknown' ? ' (confirmed by the list call; this identity may not list folders)' : ''}`);
    }
    return ctx.sources.length === 1 ? details[0]! : details.map((d, i) => `#${i + 1} ${d}`).join(', ');
  },

  async list(ctx) {
    const lists = await ctx.list();
    return each(ctx.sources, (s) => {
      const list = lists[ctx.sources.indexOf(s)]!;
      const imported = list.secrets.filter((x) => x.imported).length;
      const hidden = list.hiddenKeys.length ? `, ${list.hiddenKeys.length} with hidden values` : '';
      return `${plural(list.secrets.length, 'secret')} (${list.secrets.length - imported} in "${s.secretPath}", ${imported} imported)${hidden}`;
    });
  },

  async requiredKeys(ctx) {
    const { error } = await ctx.validate();
    const missing = error?.issues.filter((i) => i.kind === 'missing') ?? [];
    const required = [...new Set([...ctx.options!.requiredKeys, ...ctx.input.credentials.flatMap((c) => c.keys.map((k) => k.key))])].sort();
    if (!missing.length) {
      return required.length
        ? `${plural(required.length, 'required key')} present: ${required.join(', ')}`
        : 'no required keys declared (--require, INFISICAL_REQUIRED_KEYS, --credentials or a schema declare them)';
    }
    const summary = `missing: ${missing.map((i) => i.key).join(', ')}`;
    const listings = ctx.sources.map((target, i) => ({ target, ownCount: ctx.ownCounts()[i] ?? 0, hiddenKeys: ctx.lists?.[i]?.hiddenKeys ?? [] }));
    const probe = (target: InfisicalTarget) => ctx.withToken((token) => findReadableEnvironments(ctx.connection.api, token, target, ctx.signal));
    const diagnosis = await diagnoseMissingKeys(new InfisicalConfigValidationError(error!.where, missing), listings, probe);
    if (diagnosis instanceof InfisicalPermissionError) {
      const why =
        diagnosis.reason === 'values-hidden'
          ? `values of ${diagnosis.missingKeys.join(', ')} are hidden from this identity`
          : `nothing returned for "${diagnosis.target.environment}", while this identity reads ${quoted(diagnosis.readableEnvironments)}`;
      throw new StepFailure(`${summary} (see check 10)`, diagnosis, { step: 'readable', summary: why });
    }
    throw new StepFailure(summary, diagnosis);
  },

  async rules(ctx) {
    const { error } = await ctx.validate();
    const malformed = error?.issues.filter((i) => i.kind === 'malformed') ?? [];
    if (malformed.length) {
      throw new StepFailure(`malformed: ${malformed.map((i) => i.key).join(', ')}`, new InfisicalConfigValidationError(error!.where, malformed));
    }
    const credentials = ctx.input.credentials.map((c) => c.name);
    const schema = ctx.input.schema ? ctx.input.schema.label : 'no schema';
    return `${schema}; ${credentials.length ? `${credentials.join(', ')} credential rules` : 'no credential rules'}: all pass`;
  },

  async readable(ctx) {
    const details: string[] = [];
    for (const [i, source] of ctx.sources.entries()) {
      const own = ctx.ownCounts()[i] ?? 0;
      if (own > 0) {
        details.push(`read ${plural(own, 'secret')} in "${source.environment}"`);
        continue;
      }
      const readable = await ctx.withToken((token) => findReadableEnvironments(ctx.connection.api, token, source, ctx.signal));
      if (readable.length) {
        ctx.warnings.push(
          `Infisical returned no secrets for ${describeTarget(source)}, while this identity can read ${quoted(readable)}. ` +
            `Every required key came from the environment or a default, so the app would start; if "${source.environment}" ` +
            'should hold values, give the identity "Read" on secrets there.',
        );
        details.push(`nothing returned for "${source.environment}" (readable: ${quoted(readable)}) — see the warning`);
      } else {
        details.push(`"${source.secretPath}" of "${source.environment}" returned no secrets (no sign of a read restriction)`);
      }
    }
    return ctx.sources.length === 1 ? details[0]! : details.map((d, i) => `#${i + 1} ${d}`).join('; ');
  },
};
