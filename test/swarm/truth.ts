import type { Digest } from "../../src/bus/index.js";

/** One digest a publish was told succeeded. */
export interface Published {
  readonly origin: string;
  readonly epoch: number;
  readonly type: string;
  readonly seq: number;
  readonly typeSeq: number;
  readonly payload: string;
  /** Virtual ms of the publish. */
  readonly atMs: number;
}

/** A stream's name in the swarm's books: origin, epoch, type. */
export const streamOf = (d: { origin: string; epoch: number; type: string }): string =>
  `${d.origin}/${d.epoch}/${d.type}`;

const decoder = new TextDecoder();

/** Every digest whose publish succeeded: what subscribers may be given, and nothing else. */
export class Truth {
  private readonly byId = new Map<string, Published>();
  /** Stream -> its digests in typeSeq order. */
  readonly streams = new Map<string, Published[]>();

  record(d: Digest, payload: string, atMs: number): void {
    const p: Published = {
      origin: d.origin,
      epoch: d.epoch,
      type: d.type,
      seq: d.seq,
      typeSeq: d.typeSeq,
      payload,
      atMs,
    };
    this.byId.set(`${d.origin}:${d.epoch}:${d.seq}`, p);
    const key = streamOf(d);
    const list = this.streams.get(key) ?? [];
    this.streams.set(key, list);
    list.push(p);
  }

  get size(): number {
    return this.byId.size;
  }

  /** What is wrong with a delivered digest (null: it is one that was published, unchanged). */
  judge(d: Digest): string | null {
    const p = this.byId.get(`${d.origin}:${d.epoch}:${d.seq}`);
    if (p === undefined) return "no publish returned this id";
    const payload = decoder.decode(d.payload);
    if (p.type !== d.type || p.typeSeq !== d.typeSeq || p.payload !== payload) {
      return `published as ${p.type}#${p.typeSeq} "${p.payload}", delivered as ${d.type}#${d.typeSeq} "${payload}"`;
    }
    return null;
  }
}
