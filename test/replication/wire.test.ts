import { pack } from "msgpackr";
import { describe, expect, it } from "vitest";
import { decodeMessage, encodeMessage, type ReplicationMessage } from "../../src/replication/index.js";
import { SeededRng } from "../../src/transport/index.js";
import { kvCodec, type Item, type Row } from "./kv-replica.js";

const codec = kvCodec();

describe("replication wire", () => {
  it("round-trips the four messages, tagged 1 push / 2 summary / 3 answer / 4 ack", () => {
    const messages: ReplicationMessage<Item, Row>[] = [
      { t: "push", items: [["a", 1, "x"]] },
      { t: "summary", rows: [["a", 1]] },
      { t: "answer", items: [["b", 2, "y"]], want: ["a"] },
      { t: "ack" },
    ];
    for (const m of messages)
      expect(decodeMessage(codec, encodeMessage(codec, m))).toEqual({ ok: true, msg: m });
    expect([...encodeMessage(codec, { t: "ack" })]).toEqual([...pack([4])]);
    expect([...encodeMessage(codec, { t: "summary", rows: [["a", 1]] })]).toEqual([...pack([2, [["a", 1]]])]);
  });

  it("refuses hostile input with a reason and never throws", () => {
    const cases: Array<[unknown, string]> = [
      [null, "not a kv message"],
      [{ t: 1 }, "not a kv message"],
      [[99], "unknown message tag 99"],
      [["1"], "unknown message tag 1"],
      [[2, "rows"], "bad summary"],
      [[2, [["a", 1.5]]], "bad summary"],
      [[2, Array.from({ length: 101 }, () => ["a", 1])], "bad summary"],
      [[1, [["a", 1]]], "bad item"],
      [[1, [["a", 1, 5]]], "bad item"],
      [[1, Array.from({ length: 101 }, () => ["a", 1, "x"])], "bad item"],
      [[3, [], [5]], "bad want list"],
      [[3, []], "bad want list"],
      [[3, [], Array.from({ length: 101 }, () => "k")], "bad want list"],
    ];
    for (const [raw, error] of cases) {
      expect(decodeMessage(codec, pack(raw)), JSON.stringify(raw)).toEqual({ ok: false, error });
    }
    expect(decodeMessage(codec, new Uint8Array([0x92, 1]))).toEqual({ ok: false, error: "not msgpack" });
    expect(decodeMessage(codec, new Uint8Array(64 * 1024 + 1))).toEqual({
      ok: false,
      error: "message too large",
    });
    // An ack is an ack whatever follows it.
    expect(decodeMessage(codec, pack([4, "junk"]))).toEqual({ ok: true, msg: { t: "ack" } });
  });

  it("survives random and truncated bytes", () => {
    const rng = new SeededRng(11);
    const good = encodeMessage(codec, { t: "answer", items: [["k", 3, "v"]], want: ["a", "b"] });
    for (let i = 0; i < 2000; i++) {
      const bytes =
        i % 2 === 0
          ? Uint8Array.from({ length: rng.int(40) }, () => rng.int(256))
          : good.map((b) => (rng.next() < 0.1 ? rng.int(256) : b)).subarray(0, rng.int(good.length + 1));
      expect(() => decodeMessage(codec, bytes)).not.toThrow();
    }
  });
});
