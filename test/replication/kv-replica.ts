import { boundedList, type ItemCodec, type Replica } from "../../src/replication/index.js";

/** [key, version, value]: a last-writer-wins register, the smallest user the engine could have. */
export type Item = [string, number, string];
/** [key, version] */
export type Row = [string, number];

export function kvCodec(limits = { maxMessageBytes: 64 * 1024, maxItems: 100 }): ItemCodec<Item, Row> {
  return {
    names: { message: "kv", item: "item" },
    limits,
    encodeItem: (i) => i,
    decodeItem: (v) => {
      const a = boundedList(v, 3);
      if (!a || a.length !== 3 || typeof a[0] !== "string" || !Number.isSafeInteger(a[1])) return null;
      return typeof a[2] === "string" ? [a[0], a[1] as number, a[2]] : null;
    },
    isRow: (v): v is Row =>
      Array.isArray(v) && v.length === 2 && typeof v[0] === "string" && Number.isSafeInteger(v[1]),
  };
}

/** A Map of registers as a Replica: higher version wins. */
export class KvReplica implements Replica<Item, Row> {
  readonly codec = kvCodec();
  readonly held = new Map<string, { version: number; value: string }>();

  set(key: string, version: number, value: string): Item {
    this.held.set(key, { version, value });
    return [key, version, value];
  }

  summarize(): Row[] {
    return [...this.held].map(([k, v]) => [k, v.version]);
  }

  diff(theirs: readonly Row[]): { newer: Item[]; want: string[] } {
    const t = new Map(theirs);
    const newer = [...this.held]
      .filter(([k, v]) => (t.get(k) ?? 0) < v.version)
      .map(([k, v]): Item => [k, v.version, v.value]);
    const want = theirs.filter(([k, version]) => (this.held.get(k)?.version ?? 0) < version).map(([k]) => k);
    return { newer, want };
  }

  take(items: readonly Item[]): void {
    for (const [k, version, value] of items) {
      if ((this.held.get(k)?.version ?? 0) < version) this.held.set(k, { version, value });
    }
  }

  itemsFor(keys: readonly string[]): Item[] {
    return keys.flatMap((k): Item[] => {
      const v = this.held.get(k);
      return v ? [[k, v.version, v.value]] : [];
    });
  }

  view(): string {
    return JSON.stringify([...this.held].sort(([a], [b]) => (a < b ? -1 : 1)));
  }
}
