/**
 * Lifeguard local health multiplier (LHM). A node that misses nacks, fails
 * probes or has to refute suspicions about itself is probably the slow one;
 * it then stretches its own probe interval and deadlines instead of accusing
 * healthy peers. Score is 0 (healthy) .. max - 1.
 */
export class Awareness {
  private value = 0;

  constructor(private readonly max: number) {}

  get score(): number {
    return this.value;
  }

  /** Positive = worse health (missed nack, refutation); -1 on each successful probe. */
  applyDelta(delta: number): void {
    this.value = Math.min(this.max - 1, Math.max(0, this.value + delta));
  }

  /** timeout x (score + 1). */
  scaleMs(timeoutMs: number): number {
    return timeoutMs * (this.value + 1);
  }
}
