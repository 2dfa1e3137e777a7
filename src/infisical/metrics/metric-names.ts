/**
 * The instruments of the `nestjs-infisical` meter and their attributes, in one place (docs/fleet.md lists them).
 * Names follow OpenTelemetry's conventions: a lower-case dotted namespace, UCUM units, seconds for durations,
 * `error.type` for the kind of failure, and low-cardinality attribute values only (never a key or a value).
 */

/** Name (and version) of the meter. @internal */
export const METER_NAME = 'nestjs-infisical';

/** What kind of instrument a definition describes. @internal */
export type InstrumentKind = 'counter' | 'histogram' | 'gauge';

/** One instrument of the meter: name, kind, unit, description and attributes. @internal */
export interface InstrumentDefinition {
  name: string;
  kind: InstrumentKind;
  unit: string;
  description: string;
  /** Attributes besides the registration's `infisical.project.id` and `infisical.environment`. */
  attributes: readonly string[];
}

/** Attribute names (OpenTelemetry's `error.type`, the module's own under `infisical.`). @internal */
export const ATTR_PROJECT = 'infisical.project.id';
/** @internal */
export const ATTR_ENVIRONMENT = 'infisical.environment';
/** @internal */
export const ATTR_REFRESH_RESULT = 'infisical.refresh.result';
/** @internal */
export const ATTR_ERROR_TYPE = 'error.type';
/** @internal */
export const ATTR_WEBHOOK_OUTCOME = 'infisical.webhook.outcome';
/** @internal */
export const ATTR_FLEET_ROLE = 'infisical.fleet.role';
/** @internal */
export const ATTR_DYNAMIC_SECRET = 'infisical.dynamic_secret.name';
/** @internal */
export const ATTR_LEASE_EVENT = 'infisical.lease.event';

/** The instruments, keyed by what they measure. @internal */
export const INSTRUMENTS = {
  refreshes: {
    name: 'infisical.refresh.count',
    kind: 'counter',
    unit: '{refresh}',
    description: 'Refreshes of the snapshot, by result (success, rejected: an answer that failed validation or access, failure: no usable answer).',
    attributes: [ATTR_REFRESH_RESULT, ATTR_ERROR_TYPE],
  },
  refreshDuration: {
    name: 'infisical.refresh.duration',
    kind: 'histogram',
    unit: 's',
    description: 'Duration of one refresh (login, list of every source, validation), by result.',
    attributes: [ATTR_REFRESH_RESULT],
  },
  snapshotAge: {
    name: 'infisical.snapshot.age',
    kind: 'gauge',
    unit: 's',
    description: 'Age of the values being served: time since Infisical delivered them.',
    attributes: [],
  },
  consecutiveFailures: {
    name: 'infisical.refresh.consecutive_failures',
    kind: 'gauge',
    unit: '{refresh}',
    description: 'Consecutive failed or rejected refreshes (0 when the last refresh succeeded).',
    attributes: [],
  },
  logins: {
    name: 'infisical.auth.logins',
    kind: 'counter',
    unit: '{login}',
    description: 'Logins of the machine identity (a fresh access token).',
    attributes: [],
  },
  renewals: {
    name: 'infisical.auth.renewals',
    kind: 'counter',
    unit: '{renewal}',
    description: 'Renewals of the access token.',
    attributes: [],
  },
  webhookEvents: {
    name: 'infisical.webhook.events',
    kind: 'counter',
    unit: '{event}',
    description: 'Webhook deliveries received, by outcome (refresh: a refresh was triggered, ignored: another project, environment or folder, rejected: bad signature, old timestamp, replay or malformed body).',
    attributes: [ATTR_WEBHOOK_OUTCOME],
  },
  fleetRole: {
    name: 'infisical.fleet.role',
    kind: 'gauge',
    unit: '{instance}',
    description: '1 for the role this instance has in the fleet now (leader, follower, standalone: Redis unreachable, own polling).',
    attributes: [ATTR_FLEET_ROLE],
  },
  leaseEvents: {
    name: 'infisical.dynamic_secret.leases',
    kind: 'counter',
    unit: '{lease}',
    description: 'Lease operations of a dynamic secret, by event (created: a new lease, renewed, revoked, failed: a create, renewal or revocation that failed; error.type says why).',
    attributes: [ATTR_DYNAMIC_SECRET, ATTR_LEASE_EVENT, ATTR_ERROR_TYPE],
  },
} as const satisfies Record<string, InstrumentDefinition>;

/** What became of a webhook delivery (`infisical.webhook.outcome`). @internal */
export type WebhookOutcome = 'refresh' | 'ignored' | 'rejected';
/** What happened to a lease (`infisical.lease.event`). @internal */
export type LeaseEvent = 'created' | 'renewed' | 'revoked' | 'failed';
/** The role of this instance in the fleet (`infisical.fleet.role`). @internal */
export type FleetRole = 'leader' | 'follower' | 'standalone';
