import type { BatchObservableCallback, Meter, Observable } from '@opentelemetry/api';

/** One value recorded on an instrument, with its attributes. */
export interface RecordedPoint {
  value: number;
  attributes: Record<string, unknown>;
}

/** An instrument the fake meter created: its name, kind, options and what was recorded on it. */
export interface FakeInstrument {
  name: string;
  kind: 'counter' | 'histogram' | 'gauge';
  options: { unit?: string; description?: string } | undefined;
  points: RecordedPoint[];
}

/**
 * An OpenTelemetry `Meter` that keeps everything in memory: counters and histograms record each call, observable
 * gauges are read by `collect()`, which runs the registered batch callbacks as an SDK's collection would.
 */
export class FakeMeter {
  readonly instruments = new Map<string, FakeInstrument>();
  readonly callbacks: Array<{ callback: BatchObservableCallback; observables: Observable[] }> = [];
  readonly removed: Array<{ callback: BatchObservableCallback; observables: Observable[] }> = [];

  /** The fake as the `Meter` the code under test expects. */
  get meter(): Meter {
    return this as unknown as Meter;
  }

  createCounter(name: string, options?: FakeInstrument['options']) {
    return this.#instrument(name, 'counter', options, 'add');
  }

  createHistogram(name: string, options?: FakeInstrument['options']) {
    return this.#instrument(name, 'histogram', options, 'record');
  }

  createObservableGauge(name: string, options?: FakeInstrument['options']) {
    return this.#instrument(name, 'gauge', options, undefined);
  }

  addBatchObservableCallback(callback: BatchObservableCallback, observables: Observable[]): void {
    this.callbacks.push({ callback, observables });
  }

  removeBatchObservableCallback(callback: BatchObservableCallback, observables: Observable[]): void {
    this.removed.push({ callback, observables });
    const at = this.callbacks.findIndex((c) => c.callback === callback);
    if (at >= 0) this.callbacks.splice(at, 1);
  }

  /** Runs every registered gauge callback; returns the observations by gauge name. */
  async collect(): Promise<Map<string, RecordedPoint[]>> {
    const seen = new Map<string, RecordedPoint[]>();
    for (const { callback } of this.callbacks) {
      await callback({
        observe: (observable: Observable, value: number, attributes: Record<string, unknown> = {}) => {
          const name = (observable as unknown as { name: string }).name;
          seen.set(name, [...(seen.get(name) ?? []), { value, attributes: { ...attributes } }]);
        },
      } as Parameters<BatchObservableCallback>[0]);
    }
    return seen;
  }

  /** Points recorded on the counter or histogram `name` (empty when nothing was). */
  points(name: string): RecordedPoint[] {
    return this.instruments.get(name)?.points ?? [];
  }

  #instrument(name: string, kind: FakeInstrument['kind'], options: FakeInstrument['options'], method: 'add' | 'record' | undefined) {
    const instrument: FakeInstrument = { name, kind, options, points: [] };
    this.instruments.set(name, instrument);
    const record = (value: number, attributes: Record<string, unknown> = {}) => void instrument.points.push({ value, attributes: { ...attributes } });
    return method ? { name, [method]: record } : { name, addCallback() {}, removeCallback() {} };
  }
}
