/**
 * Per-key debouncing: the rendered preview of a template is refreshed once the
 * user has stopped typing for a moment, and each preview has its own timer.
 * Timers are injected so tests drive time by hand.
 */

export interface Timers<H> {
  setTimeout(fn: () => void, ms: number): H;
  clearTimeout(handle: H): void;
}

const realTimers: Timers<ReturnType<typeof setTimeout>> = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle),
};

export class KeyedDebouncer<K, H = ReturnType<typeof setTimeout>> {
  private readonly pendingByKey = new Map<K, H>();

  constructor(
    private delayMs: number,
    private readonly timers: Timers<H> = realTimers as unknown as Timers<H>,
  ) {}

  /** Runs `fn` after the delay unless `schedule` is called again for the same key first. */
  schedule(key: K, fn: () => void): void {
    this.cancel(key);
    const handle = this.timers.setTimeout(() => {
      this.pendingByKey.delete(key);
      fn();
    }, this.delayMs);
    this.pendingByKey.set(key, handle);
  }

  cancel(key: K): void {
    const handle = this.pendingByKey.get(key);
    if (handle !== undefined) {
      this.timers.clearTimeout(handle);
      this.pendingByKey.delete(key);
    }
  }

  isPending(key: K): boolean {
    return this.pendingByKey.has(key);
  }

  /** New delay for the next schedules (the setting may change at runtime). */
  setDelay(ms: number): void {
    this.delayMs = ms;
  }

  dispose(): void {
    for (const key of [...this.pendingByKey.keys()]) {
      this.cancel(key);
    }
  }
}
