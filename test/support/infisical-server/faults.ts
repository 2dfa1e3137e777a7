/**
 * Fault injection: faults are matched in injection order before normal routing; each matching
 * request consumes one `times`. Hung requests keep their socket until the fault is cleared or
 * the server closes.
 */
import type { Socket } from 'node:net';

import { matchesPathPattern } from './paths.js';
import type { Fault } from './seed.types.js';

export const STATUS_PATH = '/api/status';

export interface ActiveFault {
  id: string;
  fault: Fault;
  remaining: number;
}

const VALID_KINDS = new Set(['latency', 'hang', 'status', 'non-json', 'drop', 'rate-limit']);

export function validateFault(fault: Fault): void {
  if (!fault || typeof fault !== 'object' || !VALID_KINDS.has((fault as { kind?: string }).kind ?? '')) {
    throw new Error(`Unknown fault kind: ${JSON.stringify((fault as { kind?: unknown } | null)?.kind)}`);
  }
  if (fault.kind === 'latency' && !(typeof fault.ms === 'number' && fault.ms >= 0)) throw new Error('latency fault needs ms >= 0');
  if (fault.kind === 'status' && !(Number.isInteger(fault.status) && fault.status >= 100 && fault.status <= 599)) {
    throw new Error('status fault needs an HTTP status');
  }
  if (fault.kind === 'rate-limit' && !(typeof fault.retryAfterSeconds === 'number' && fault.retryAfterSeconds >= 0)) {
    throw new Error('rate-limit fault needs retryAfterSeconds >= 0');
  }
  if (fault.times !== undefined && !(Number.isInteger(fault.times) && fault.times > 0)) throw new Error('times must be a positive integer');
  if (fault.query !== undefined && !(typeof fault.query === 'object' && Object.values(fault.query).every((v) => typeof v === 'string'))) {
    throw new Error('query must map parameter names to string values');
  }
}

export class FaultManager {
  private readonly faults: ActiveFault[] = [];
  private readonly hung = new Map<Socket, string>();
  private nextId = 1;

  inject(fault: Fault): string {
    validateFault(fault);
    const id = `fault-${this.nextId}`;
    this.nextId += 1;
    this.faults.push({ id, fault: { ...fault }, remaining: fault.times ?? Number.POSITIVE_INFINITY });
    return id;
  }

  list(): { id: string; fault: Fault; remaining: number | null }[] {
    return this.faults.map((f) => ({ id: f.id, fault: f.fault, remaining: Number.isFinite(f.remaining) ? f.remaining : null }));
  }

  /**
   * Finds and consumes the first fault matching the request. A fault without `path` matches
   * every API route except /api/status, which is faulted only when a fault's path names it; a fault with `query`
   * matches only requests carrying those parameter values.
   */
  take(method: string, pathname: string, query: Record<string, string> = {}): ActiveFault | undefined {
    for (const active of this.faults) {
      const { fault } = active;
      if (fault.method && fault.method.toUpperCase() !== method) continue;
      if (fault.query && Object.entries(fault.query).some(([name, value]) => query[name] !== value)) continue;
      if (fault.path !== undefined) {
        if (!matchesPathPattern(fault.path, pathname)) continue;
      } else if (pathname === STATUS_PATH) {
        continue;
      }
      active.remaining -= 1;
      if (active.remaining <= 0) this.faults.splice(this.faults.indexOf(active), 1);
      return active;
    }
    return undefined;
  }

  holdSocket(socket: Socket, faultId: string): void {
    this.hung.set(socket, faultId);
    socket.once('close', () => this.hung.delete(socket));
  }

  clear(id: string): boolean {
    const idx = this.faults.findIndex((f) => f.id === id);
    if (idx >= 0) this.faults.splice(idx, 1);
    let released = false;
    for (const [socket, faultId] of [...this.hung]) {
      if (faultId === id) {
        socket.destroy();
        this.hung.delete(socket);
        released = true;
      }
    }
    return idx >= 0 || released;
  }

  clearAll(): void {
    this.faults.length = 0;
    this.releaseAll();
  }

  releaseAll(): void {
    for (const socket of this.hung.keys()) socket.destroy();
    this.hung.clear();
  }
}
