/**
 * Rate limits of joins triggered by beacons: at most one join per `minGapMs`, and one sender address is
 * not tried again for `cooldownMs`. Remembers at most `maxTracked` addresses (the oldest is forgotten),
 * so a flood of forged beacons costs bounded memory and at most one connection attempt per gap.
 */
export class JoinGate {
  private lastJoinMs = -Infinity;
  /** address -> time of the last attempt; Map order = attempt order. */
  private readonly tried = new Map<string, number>();

  constructor(
    private readonly minGapMs: number,
    private readonly cooldownMs: number,
    private readonly maxTracked: number,
  ) {}

  check(address: string, nowMs: number): "ok" | "cooldown" | "rate-limited" {
    const last = this.tried.get(address);
    if (last !== undefined && nowMs - last < this.cooldownMs) return "cooldown";
    if (nowMs - this.lastJoinMs < this.minGapMs) return "rate-limited";
    return "ok";
  }

  /** Records an attempt (call when the join is made). */
  record(address: string, nowMs: number): void {
    this.lastJoinMs = nowMs;
    this.tried.delete(address);
    this.tried.set(address, nowMs);
    while (this.tried.size > this.maxTracked) {
      const oldest = this.tried.keys().next().value as string;
      this.tried.delete(oldest);
    }
  }

  get tracked(): number {
    return this.tried.size;
  }
}
