import type { Clock, TimerHandle } from "./types.js";

/** A running periodic timer; `stop()` is idempotent and also works from inside its own tick. */
export interface PeriodicTimer {
  stop(): void;
  /** False once stopped or once a tick returned null. */
  readonly active: boolean;
}

/**
 * Runs `tick` after `firstMs`, then again after whatever delay (ms) it
 * returns, until it returns null or `stop()` is called. A fixed interval is a
 * tick returning a constant; a jittered one returns a fresh draw from the
 * injected Rng each time; a one-shot returns null.
 */
export function periodic(clock: Clock, firstMs: number, tick: () => number | null): PeriodicTimer {
  let handle: TimerHandle | null = null;
  let active = true;
  const arm = (ms: number): void => {
    handle = clock.setTimer(ms, () => {
      handle = null;
      const next = tick();
      if (active && next !== null) arm(next);
      else active = false;
    });
  };
  arm(firstMs);
  return {
    stop() {
      active = false;
      if (handle !== null) clock.clearTimer(handle);
      handle = null;
    },
    get active() {
      return active;
    },
  };
}
