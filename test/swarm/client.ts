import type { Bus, CursorPosition, Digest, GapNotice, GapRange, Subscription } from "../../src/bus/index.js";
import { streamOf } from "./truth.js";

/** What a client saw go wrong at once (the world judges gaps; the client judges order and repeats). */
export interface ClientHooks {
  /** Runs `fn` after `delayMs` of virtual time (a slow consumer's next read). */
  after(delayMs: number, fn: () => void): void;
  digest(c: Client, d: Digest): void;
  gap(c: Client, g: GapNotice): void;
  violation(c: Client, kind: string, detail: string): void;
}

/**
 * A subscriber application as the SDKs behave: it subscribes at its gateway,
 * drains as soon as it can, keeps a cursor of what it received, and when its
 * gateway dies it resubscribes there once it is back, resuming from that
 * cursor ("earliest" for streams the cursor does not name).
 */
export class Client {
  /** Stream -> the type sequences received. */
  readonly received = new Map<string, Set<number>>();
  /** Stream -> the highest type sequence received or skipped by a gap. */
  private readonly last = new Map<string, number>();
  readonly gaps: Array<GapRange & { reason: GapNotice["reason"]; atMs: number }> = [];
  private readonly ids = new Set<string>();
  private readonly cursor = new Map<string, CursorPosition>();
  private sub: Subscription | null = null;
  digests = 0;
  attaches = 0;
  /** Virtual ms of the first subscription that took (its gateway may have been down when the application asked). */
  firstAttachMs: number | null = null;

  constructor(
    readonly id: string,
    readonly node: string,
    readonly types: readonly string[],
    readonly start: "latest" | "earliest",
    /** Virtual ms the application first subscribed. */
    readonly subscribedAtMs: number,
    /** A slow consumer: a small queue, read every `everyMs`, `take` items at a time; else it reads at once. */
    readonly slow: { maxQueued: number; everyMs: number; take: number } | undefined,
    private readonly now: () => number,
    private readonly hooks: ClientHooks,
  ) {}

  get attached(): boolean {
    return this.sub !== null;
  }

  /** Subscribes at `bus` (its gateway, up again): the first time as asked, later resuming. */
  attach(bus: Bus): void {
    const first = this.attaches === 0;
    const r = bus.subscribe({
      types: [...this.types],
      start: first ? this.start : "earliest",
      ...(first ? {} : { resumeFrom: [...this.cursor.values()] }),
      ...(this.slow ? { maxQueued: this.slow.maxQueued } : {}),
    });
    if (!r.ok) {
      this.hooks.violation(this, "subscribe-refused", `${r.error.code}: ${r.error.message}`);
      return;
    }
    this.attaches++;
    this.firstAttachMs ??= this.now();
    const sub = r.subscription;
    this.sub = sub;
    const slow = this.slow;
    if (slow === undefined) {
      sub.onReadable(() => {
        if (this.sub === sub) this.drain(sub);
      });
      this.drain(sub);
      return;
    }
    const read = (): void => {
      if (this.sub !== sub) return;
      this.drain(sub, slow.take);
      this.hooks.after(slow.everyMs, read);
    };
    this.hooks.after(slow.everyMs, read);
  }

  /** Its gateway died: what it had not sent yet is gone with it. */
  detach(): void {
    this.sub = null;
  }

  /** Received this digest (by stream sequence) or a gap naming it. */
  covers(stream: string, typeSeq: number): boolean {
    if (this.received.get(stream)?.has(typeSeq)) return true;
    return this.gaps.some((g) => streamOf(g) === stream && g.fromSeq <= typeSeq && typeSeq <= g.toSeq);
  }

  private drain(sub: Subscription, max = Infinity): void {
    for (const item of sub.drain(max)) {
      if (item.kind === "digest") this.take(item.digest);
      else if (item.kind === "gap") this.gap(item.gap);
    }
  }

  private take(d: Digest): void {
    const id = `${d.origin}:${d.epoch}:${d.seq}`;
    const stream = streamOf(d);
    if (this.ids.has(id)) {
      this.hooks.violation(this, "duplicate", `${stream}#${d.typeSeq} (${id}) delivered again`);
    }
    this.ids.add(id);
    const got = this.received.get(stream) ?? new Set<number>();
    this.received.set(stream, got);
    const last = this.last.get(stream) ?? 0;
    if (d.typeSeq <= last) {
      this.hooks.violation(
        this,
        "disorder",
        `${stream}#${d.typeSeq} after #${last} (received or named by a gap)`,
      );
    }
    got.add(d.typeSeq);
    this.last.set(stream, Math.max(last, d.typeSeq));
    this.digests++;
    this.advance({ origin: d.origin, type: d.type, epoch: d.epoch, sequence: d.typeSeq });
    this.hooks.digest(this, d);
  }

  private gap(g: GapNotice): void {
    const at = this.now();
    for (const r of g.ranges) {
      this.gaps.push({ ...r, reason: g.reason, atMs: at });
      const stream = streamOf(r);
      this.last.set(stream, Math.max(this.last.get(stream) ?? 0, r.toSeq));
    }
    for (const p of g.resumeFrom.positions) this.advance(p);
    this.hooks.gap(this, g);
  }

  /** The cursor keeps one position per (origin, type), in its newest epoch. */
  private advance(p: CursorPosition): void {
    const key = `${p.origin}/${p.type}`;
    const held = this.cursor.get(key);
    if (
      held === undefined ||
      p.epoch > held.epoch ||
      (p.epoch === held.epoch && p.sequence > held.sequence)
    ) {
      this.cursor.set(key, { ...p });
    }
  }
}
