/**
 * The keys and values of the refresh-stall scenario (row 9), computed the same way by the server child that writes
 * them and by the app child that checks what it serves.
 */
import { createHash } from 'node:crypto';

/** `random`: 43 base64url characters (no shared prefix); `https`: URLs sharing `https://svc.example.com/`. */
export type ManyStyle = 'random' | 'https';

export function manyKey(i: number): string {
  return `MANY_${String(i).padStart(5, '0')}`;
}

/** Value of key `i` in rotation `round` (distinct for every key and every round). */
export function manyValue(i: number, round: number, style: ManyStyle): string {
  const digest = createHash('sha256').update(`${round}:${i}`).digest('base64url');
  return style === 'random' ? digest : `https://svc.example.com/${round}/${i}/${digest.slice(0, 24)}`;
}
