import type { Clock, TimerHandle } from "./types.js";

/** Wall-clock Clock on setTimeout; timers are unref'd so they never keep a process alive. */
export function realClock(): Clock {
  const timers = new Map<number, NodeJS.Timeout>();
  let nextId = 1;
  return {
    // Whole milliseconds: times travel in messages whose decoders accept integers only.
    nowMs: () => Math.floor(performance.timeOrigin + performance.now()),
    setTimer(delayMs: number, fn: () => void): TimerHandle {
      const id = nextId++;
      const t = setTimeout(
        () => {
          timers.delete(id);
          fn();
        },
        Math.max(0, delayMs),
      );
      t.unref();
      timers.set(id, t);
      return { id };
    },
    clearTimer(handle: TimerHandle): void {
      const t = timers.get(handle.id);
      if (t !== undefined) clearTimeout(t);
      timers.delete(handle.id);
    },
  };
}
