import type { InfisicalFleetStatus } from '../interfaces/infisical-status.interface.js';
import type { FleetRole } from '../metrics/metric-names.js';

/** The health words for the metric's fleet roles. */
const ROLES: Record<FleetRole, InfisicalFleetStatus['role']> = {
  leader: 'lease holder',
  follower: 'follower',
  standalone: 'reading alone',
};

/** The fleet entry of the health details (pure): the role of the last refresh window (`not yet known` before one) and the connection. */
export function fleetStatus(role: FleetRole | undefined, redisReady: boolean): InfisicalFleetStatus {
  return { redis: redisReady ? 'up' : 'down', role: role === undefined ? 'not yet known' : ROLES[role] };
}
