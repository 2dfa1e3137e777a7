/** A promise the test settles by hand, to hold an operation in flight. */
export class Deferred<T> {
  readonly promise: Promise<T>;
  resolve!: (value: T) => void;
  reject!: (reason: unknown) => void;

  constructor() {
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }
}

/** Lets every promise callback already queued run (a few turns of the microtask queue, no timers). */
export async function flushMicrotasks(turns = 10): Promise<void> {
  for (let i = 0; i < turns; i++) await Promise.resolve();
}

/** Lets one turn of the event loop pass (`setImmediate`): queued promise chains and I/O callbacks run, no timers. */
export const flushEventLoop = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

/** The error `promise` rejects with; fails the test when it fulfils instead. */
export async function failureOf<E = unknown>(promise: Promise<unknown>): Promise<E> {
  try {
    await promise;
  } catch (error) {
    return error as E;
  }
  throw new Error('expected a failure');
}

/** `promise` once settled; fails fast (instead of hanging the test) when it is still pending after the queued work ran. */
export async function settledSoon<T>(promise: Promise<T>): Promise<T> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; i < 20 && !done; i++) await flushEventLoop();
  if (!done) throw new Error('still pending: it waits for something that will not come');
  return promise;
}
