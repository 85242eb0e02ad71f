/**
 * What the swarm did to the world, over virtual time: when each node was up,
 * which directed links were cut, when nodes stalled and how lossy the network
 * was. The invariant checks ask it whether two nodes could reach each other.
 */
export class History {
  /** Per node: [from, to) intervals it was up (to = Infinity while up). */
  private readonly up = new Map<string, Array<{ from: number; to: number }>>();
  /** Blocked directed links ("a>b"), each set valid from `at` until the next entry. */
  private readonly cuts: Array<{ at: number; blocked: ReadonlySet<string> }> = [
    { at: 0, blocked: new Set() },
  ];
  private readonly stalls: Array<{ node: string; from: number; to: number }> = [];
  /** Network-wide datagram loss from `at` until the next entry. */
  private readonly loss: Array<{ at: number; loss: number }> = [{ at: 0, loss: 0 }];

  nodeUp(node: string, at: number): void {
    const iv = this.up.get(node) ?? [];
    this.up.set(node, iv);
    if (iv.length === 0 || iv[iv.length - 1]!.to !== Infinity) iv.push({ from: at, to: Infinity });
  }

  nodeDown(node: string, at: number): void {
    const last = this.up.get(node)?.at(-1);
    if (last && last.to === Infinity) last.to = at;
  }

  setCuts(at: number, blocked: ReadonlySet<string>): void {
    this.cuts.push({ at, blocked });
  }

  stall(node: string, from: number, ms: number): void {
    this.stalls.push({ node, from, to: from + ms });
  }

  setLoss(at: number, loss: number): void {
    this.loss.push({ at, loss });
  }

  /** Up for all of [t0, t1]. */
  upThroughout(node: string, t0: number, t1: number): boolean {
    return (this.up.get(node) ?? []).some((iv) => iv.from <= t0 && iv.to >= t1);
  }

  /** Both up and no cut either way between them for all of [t0, t1]. */
  connected(a: string, b: string, t0: number, t1: number): boolean {
    if (!this.upThroughout(a, t0, t1) || !this.upThroughout(b, t0, t1)) return false;
    if (a === b) return true;
    for (let i = 0; i < this.cuts.length; i++) {
      const c = this.cuts[i]!;
      const end = this.cuts[i + 1]?.at ?? Infinity;
      if (end <= t0 || c.at > t1) continue;
      if (c.blocked.has(`${a}>${b}`) || c.blocked.has(`${b}>${a}`)) return false;
    }
    return true;
  }

  /**
   * Nothing excuses a wrong verdict about or by `node` over [t0, t1]: no cut
   * of any of its links (its gossip goes to random members, so any cut can eat
   * a farewell), no stall of it, no datagram loss anywhere.
   */
  calm(node: string, t0: number, t1: number): boolean {
    for (let i = 0; i < this.cuts.length; i++) {
      const c = this.cuts[i]!;
      const end = this.cuts[i + 1]?.at ?? Infinity;
      if (end <= t0 || c.at > t1) continue;
      for (const link of c.blocked) {
        const [from, to] = link.split(">");
        if (from === node || to === node) return false;
      }
    }
    for (const s of this.stalls) if (s.node === node && s.to > t0 && s.from < t1) return false;
    for (let i = 0; i < this.loss.length; i++) {
      const l = this.loss[i]!;
      const end = this.loss[i + 1]?.at ?? Infinity;
      if (end > t0 && l.at <= t1 && l.loss > 0) return false;
    }
    return true;
  }
}
