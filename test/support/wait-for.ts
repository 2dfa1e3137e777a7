/**
 * Waits until `condition()` holds, checking after each turn of the event loop (bounded: fails after `timeoutMs` of
 * real time). For waiting on real I/O (a request reaching the local server), never for time to pass.
 */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
