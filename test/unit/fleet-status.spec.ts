/** fleetStatus (pure): the fleet entry of the health details, from the metric's role and the connection. */
import { describe, expect, it } from '@jest/globals';
import { fleetStatus } from '../../src/infisical/fleet/fleet-status.js';

describe('fleetStatus', () => {
  it.each([
    ['leader', 'lease holder'],
    ['follower', 'follower'],
    ['standalone', 'reading alone'],
    [undefined, 'not yet known'],
  ] as const)('role %s is reported as "%s"', (role, word) => {
    expect(fleetStatus(role, true)).toEqual({ redis: 'up', role: word });
  });

  it('redis is up while the connection is ready, down otherwise', () => {
    expect(fleetStatus('standalone', false)).toEqual({ redis: 'down', role: 'reading alone' });
    expect(fleetStatus('leader', true).redis).toBe('up');
  });
});
