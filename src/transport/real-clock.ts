import type { Clock, TimerHandle } from "./types.js";

/** A handle that carries its Node timer, so setting and clearing touch no shared map. */
interface RealTimer extends TimerHandle {
  t: NodeJS.Timeout | NodeJS.Immediate | null;
  immediate: boolean;
}

/**
 * Wall-clock Clock on setTimeout; timers are unref'd so they never keep a
 * process alive. A 0 ms timer runs right after the current I/O (setImmediate):
 * Node clamps setTimeout(0) to 1 ms, which each deferred step (push linger,
 * subscriber wake-up) would add to a digest's latency.
 */
export function realClock(): Clock {
  let nextId = 1;
  return {
    // Whole milliseconds: times travel in messages whose decoders accept integers only.
    nowMs: () => Math.floor(performance.timeOrigin + performance.now()),
    setTimer(delayMs: number, fn: () => void): TimerHandle {
      const h: RealTimer = { id: nextId++, t: null, immediate: !(delayMs > 0) };
      const run = () => {
        h.t = null;
        fn();
      };
      const t = h.immediate ? setImmediate(run) : setTimeout(run, delayMs);
      t.unref();
      h.t = t;
      return h;
    },
    clearTimer(handle: TimerHandle): void {
      const h = handle as RealTimer;
      if (h.t === null || h.t === undefined) return;
      if (h.immediate) clearImmediate(h.t as NodeJS.Immediate);
      else clearTimeout(h.t as NodeJS.Timeout);
      h.t = null;
    },
  };
}
