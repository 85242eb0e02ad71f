// Thrift poll answers bounded by bytes as well as count: a poll's reply is one frame, and a few
// 1 MiB digests (more with JSON) would pass the client's frame limit.
import type { Digest, GapNotice } from "../gen/proto/hearsay/v1/types.js";
import type { Metrics } from "../observe/index.js";
import type { OpenSubscription } from "./digest-service.js";
import type { Pollable } from "./long-poll.js";

type WireItem = ReturnType<OpenSubscription["drain"]>[number];

const THRIFT = { transport: "thrift" } as const;

// Upper bounds over the binary and compact protocols: field header <= 3 B, string or container
// length <= 5 B (compact varint; binary 4), i64 <= 10 B (compact varint; binary 8), struct stop 1 B.
/** Reply envelope ("poll", seqid, result struct, list header) plus one batch's SubscriptionItem, bytes. */
export const ANSWER_OVERHEAD_BYTES = 64;
/** A Digest's fields without their contents: 6 length-prefixed + 4 i64 + map header + stop, bytes. */
const DIGEST_OVERHEAD_BYTES = 8 * 3 + 6 * 5 + 4 * 11 + 1 + 1;
/** One header entry's two length prefixes, bytes. */
const HEADER_OVERHEAD_BYTES = 2 * 5;
/** A gap's SubscriptionItem and GapNotice fields without their contents, bytes. */
const GAP_OVERHEAD_BYTES = 64;
/** A GapRange or CursorPosition without its names, bytes. */
const RANGE_OVERHEAD_BYTES = 48;

/** An upper bound of a Digest's encoded size (binary or compact protocol), bytes. */
export function thriftDigestBytes(d: Digest): number {
  let n = DIGEST_OVERHEAD_BYTES + d.payload.length;
  n += Buffer.byteLength(d.type) + Buffer.byteLength(d.origin) + Buffer.byteLength(d.id);
  for (const k in d.headers) {
    n += HEADER_OVERHEAD_BYTES + Buffer.byteLength(k) + Buffer.byteLength(d.headers[k] as string);
  }
  if (d.json !== undefined) n += Buffer.byteLength(d.json);
  return n;
}

/** An upper bound of a gap notice's encoded size with its SubscriptionItem, bytes. */
export function thriftGapBytes(g: GapNotice): number {
  let n = GAP_OVERHEAD_BYTES + Buffer.byteLength(g.message);
  for (const r of g.ranges)
    n += RANGE_OVERHEAD_BYTES + Buffer.byteLength(r.origin) + Buffer.byteLength(r.type);
  for (const p of g.resumeFrom?.positions ?? []) {
    n += RANGE_OVERHEAD_BYTES + Buffer.byteLength(p.origin) + Buffer.byteLength(p.type);
  }
  return n;
}

/**
 * A subscription as a Thrift client polls it: an answer holds at most the `max` items asked for and
 * ends before the digest that would pass `maxAnswerBytes` (a larger digest goes alone). What was
 * drained from the bus but not answered waits here, in order, for the next poll. Gap notices are
 * never held back; their bytes count.
 */
export class BoundedPoll implements Pollable<WireItem> {
  readonly id: string;
  private pending: WireItem[] = [];
  private at = 0;

  constructor(
    private readonly sub: OpenSubscription,
    /** Budget of one answer, bytes (limits.maxSubscribeBatchBytes). */
    private readonly maxAnswerBytes: number,
    /** Largest frame a client is assumed to accept, bytes (limits.maxThriftFrameBytes). */
    private readonly maxFrameBytes: number,
    private readonly metrics: Metrics,
  ) {
    this.id = sub.id;
  }

  drain(max: number): WireItem[] {
    const out: WireItem[] = [];
    let bytes = ANSWER_OVERHEAD_BYTES;
    let digests = 0;
    while (out.length < max) {
      if (this.at === this.pending.length) {
        this.pending = this.sub.drain(max - out.length);
        this.at = 0;
        if (this.pending.length === 0) break;
      }
      const item = this.pending[this.at] as WireItem;
      let n: number;
      if ("gap" in item) n = thriftGapBytes(item.gap);
      else if ("caughtUp" in item) n = 32;
      else {
        n = this.digestBytes(item.digest);
        if (digests > 0 && bytes + n > this.maxAnswerBytes) {
          this.metrics.inc("gateway_subscribe_batches_cut_by_bytes_total", THRIFT);
          break;
        }
        digests++;
      }
      out.push(item);
      this.at++;
      bytes += n;
    }
    return out;
  }

  onReadable(fn: () => void): void {
    this.sub.onReadable(fn);
  }

  close(): void {
    this.pending = [];
    this.at = 0;
    this.sub.close();
  }

  /** Its size; its JSON is dropped (counted) when with it the digest alone would pass the frame limit. */
  private digestBytes(d: Digest): number {
    const n = thriftDigestBytes(d);
    if (d.json === undefined || ANSWER_OVERHEAD_BYTES + n <= this.maxFrameBytes) return n;
    d.json = undefined;
    this.metrics.inc("gateway_subscribe_json_omitted_total", THRIFT);
    return thriftDigestBytes(d);
  }
}
