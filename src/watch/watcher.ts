import type { Clock, TimerHandle } from "../transport/index.js";
import { type DebounceOptions, Debouncer } from "./debounce.js";

/** What one debounced step did. */
export type StepResult =
  | { kind: "unchanged" }
  | { kind: "applied"; key: string }
  | { kind: "failed"; key: string }
  | { kind: "fetch-failed"; error: unknown; retryInMs: number };

export interface WatcherDeps<S> {
  clock: Clock;
  debounce: DebounceOptions;
  /** Reads the current state (e.g. ListServices at the local gateway); may reject. */
  fetch(): Promise<S>;
  /** The change key of a state: nothing is applied while it stays equal to the last applied one. */
  key(s: S): string;
  /** Acts on a changed state (runs the command, writes the file); true = it succeeded. Should not reject. */
  apply(s: S, key: string): Promise<boolean>;
  /** Told after every step: logging, and --once. */
  onStep?(r: StepResult): void;
  /** First retry of a failed fetch, ms; doubles per failure up to fetchRetryMaxMs. @default 500 */
  fetchRetryMs?: number;
  /** @default 10000 */
  fetchRetryMaxMs?: number;
}

/**
 * Level-triggered reaction to change: events only say "something changed"
 * (changed()); after the debounce the watcher reads the whole current state
 * and applies it when its key differs from the last applied one. Missed,
 * duplicated or reordered events therefore cannot leave it wrong, and a
 * reconnect needs no replay. A failed apply forgets the last key, so the
 * next change applies again even if the state equals the failed one.
 */
export class Watcher<S> {
  private lastKey: string | null;
  private readonly debouncer: Debouncer;
  private fetchFailures = 0;
  private retryTimer: TimerHandle | null = null;

  constructor(
    private readonly deps: WatcherDeps<S>,
    /** Key already in effect at start (e.g. the file's current text), or null. */
    initialKey: string | null = null,
  ) {
    this.lastKey = initialKey;
    this.debouncer = new Debouncer(deps.clock, deps.debounce, () => this.step());
  }

  /** Something may have changed: schedule a (debounced) look. */
  changed(): void {
    this.debouncer.poke();
  }

  /** True while a step (read + apply) is going. */
  get busy(): boolean {
    return this.debouncer.busy;
  }

  /** No more steps; resolves once the current one has ended. */
  async stop(): Promise<void> {
    if (this.retryTimer !== null) this.deps.clock.clearTimer(this.retryTimer);
    this.retryTimer = null;
    await this.debouncer.stop();
  }

  private async step(): Promise<void> {
    let state: S;
    try {
      state = await this.deps.fetch();
    } catch (error) {
      this.fetchFailures++;
      const base = this.deps.fetchRetryMs ?? 500;
      const retryInMs = Math.min(
        base * 2 ** Math.min(this.fetchFailures - 1, 20),
        this.deps.fetchRetryMaxMs ?? 10_000,
      );
      if (this.retryTimer !== null) this.deps.clock.clearTimer(this.retryTimer);
      this.retryTimer = this.deps.clock.setTimer(retryInMs, () => {
        this.retryTimer = null;
        this.changed();
      });
      this.deps.onStep?.({ kind: "fetch-failed", error, retryInMs });
      return;
    }
    this.fetchFailures = 0;
    const key = this.deps.key(state);
    if (key === this.lastKey) {
      this.deps.onStep?.({ kind: "unchanged" });
      return;
    }
    const ok = await this.deps.apply(state, key);
    this.lastKey = ok ? key : null;
    this.deps.onStep?.(ok ? { kind: "applied", key } : { kind: "failed", key });
  }
}
