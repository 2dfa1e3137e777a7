/** A message on the fleet's channel: an instance published a snapshot (or gave up its read). */
export interface Notice {
  from: string;
  fetchedAt: number;
  /** A regular publish (wakes instances waiting for the lease holder), not a change announced by a webhook. */
  quiet?: boolean;
}

/** Longest message read from the channel as a notice (one is under 100 characters). */
const MAX_NOTICE_LENGTH = 1024;

/** A notice from the channel; undefined for anything else (not JSON, not an object, longer than any notice). */
export function parseNotice(message: string): Notice | undefined {
  if (message.length > MAX_NOTICE_LENGTH) return undefined;
  try {
    const notice = JSON.parse(message) as Notice | null;
    return typeof notice === 'object' && notice !== null ? notice : undefined;
  } catch {
    return undefined;
  }
}
