import type { Clock, TimerHandle } from "../transport/index.js";

/**
 * Lifeguard's dynamic suspicion timeout. The timer starts at max and shrinks
 * toward min as k independent members confirm the suspicion:
 *   timeout = max - (max - min) x log(n + 1) / log(k + 1), never below min,
 * where n = confirmations so far. The accuser itself is never counted.
 */
export function remainingSuspicionMs(
  n: number,
  k: number,
  elapsedMs: number,
  minMs: number,
  maxMs: number,
): number {
  const frac = k <= 0 ? 1 : Math.log(n + 1) / Math.log(k + 1);
  const raw = maxMs - frac * (maxMs - minMs);
  return Math.max(minMs, Math.floor(raw)) - elapsedMs;
}

export class Suspicion {
  private n = 0;
  private readonly confirmations = new Set<string>();
  private readonly start: number;
  private timer: TimerHandle | null;
  private fired = false;

  /** k = confirmations that drive the timeout to min; k = 0 means start at min. */
  constructor(
    private readonly clock: Clock,
    from: string,
    private readonly k: number,
    private readonly minMs: number,
    private readonly maxMs: number,
    private readonly onTimeout: (confirmations: number) => void,
  ) {
    this.confirmations.add(from);
    this.start = clock.nowMs();
    const first = k <= 0 ? minMs : maxMs;
    this.timer = clock.setTimer(first, () => this.fire());
  }

  get confirmationCount(): number {
    return this.n;
  }

  /** Counts a new accuser; true if it was new information (worth re-gossiping). */
  confirm(from: string): boolean {
    if (this.fired || this.n >= this.k || this.confirmations.has(from)) return false;
    this.confirmations.add(from);
    this.n++;
    const remaining = remainingSuspicionMs(
      this.n,
      this.k,
      this.clock.nowMs() - this.start,
      this.minMs,
      this.maxMs,
    );
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    this.timer = this.clock.setTimer(Math.max(0, remaining), () => this.fire());
    return true;
  }

  /** The suspect refuted, or the suspicion was superseded. */
  cancel(): void {
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    this.timer = null;
    this.fired = true;
  }

  private fire(): void {
    if (this.fired) return;
    this.fired = true;
    this.timer = null;
    this.onTimeout(this.n);
  }
}
