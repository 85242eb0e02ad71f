import type { Clock, TimerHandle } from "../transport/index.js";

export interface DebounceOptions {
  /** Run once no change arrived for this long, ms: a burst of changes makes one run. @default 500 */
  quietMs: number;
  /** Run at most this long after the first change of a burst even if changes keep coming, ms. @default 5000 */
  maxWaitMs: number;
}

export const DEFAULT_DEBOUNCE: DebounceOptions = { quietMs: 500, maxWaitMs: 5_000 };

/**
 * Coalesces bursts of changes into one run, and never starts a run while
 * another is going. A burst runs at min(last change + quietMs, first change
 * + maxWaitMs), so a flapping source is bounded both ways: no storm of runs,
 * and no starvation. Changes during a run form the next burst, which runs
 * after the current run ends (at once if its time has passed).
 */
export class Debouncer {
  /** First and latest change of the pending burst; null = nothing pending. */
  private firstAtMs: number | null = null;
  private lastAtMs = 0;
  private timer: TimerHandle | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly opts: DebounceOptions,
    /** The run; should not reject (a rejection is passed to onError). */
    private readonly run: () => Promise<void>,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  /** Something changed. */
  poke(): void {
    if (this.stopped) return;
    const now = this.clock.nowMs();
    if (this.firstAtMs === null) this.firstAtMs = now;
    this.lastAtMs = now;
    if (this.running === null) this.schedule();
  }

  /** True while a run is going. */
  get busy(): boolean {
    return this.running !== null;
  }

  /** True when a burst waits for its run. */
  get pending(): boolean {
    return this.firstAtMs !== null;
  }

  /** No more runs; resolves once the current run (if any) has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelTimer();
    this.firstAtMs = null;
    await this.running;
  }

  private dueAtMs(): number {
    return Math.min(this.lastAtMs + this.opts.quietMs, this.firstAtMs! + this.opts.maxWaitMs);
  }

  private schedule(): void {
    this.cancelTimer();
    const delayMs = Math.max(0, this.dueAtMs() - this.clock.nowMs());
    this.timer = this.clock.setTimer(delayMs, () => this.fire());
  }

  private cancelTimer(): void {
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    this.timer = null;
  }

  private fire(): void {
    this.timer = null;
    if (this.stopped || this.running !== null || this.firstAtMs === null) return;
    if (this.clock.nowMs() < this.dueAtMs()) return this.schedule();
    this.firstAtMs = null;
    this.running = Promise.resolve()
      .then(this.run)
      .catch(this.onError)
      .finally(() => {
        this.running = null;
        if (!this.stopped && this.firstAtMs !== null) this.schedule();
      });
  }
}
