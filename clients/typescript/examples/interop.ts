// Cross-language interop script (see clients/interop/interop.proto and test/e2e/interop.test.ts):
//   node dist/clients/typescript/examples/interop.js publish   --agent H:P --run RUN --count N
//   node dist/clients/typescript/examples/interop.js subscribe --agent H:P --run RUN --count N --timeout-ms MS
// The TypeScript SDK speaks gRPC; --transport thrift is refused.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import protobuf from "protobufjs";
import { type Codec, connect } from "../../../src/sdk/index.js";

const TYPE = "hearsay.interop.v1.InteropRecord";
const PROTO_PATH = "hearsay/interop/v1/interop.proto";

interface InteropRecord {
  run: string;
  language: string;
  seq: number;
  text: string;
  blob: Uint8Array;
  value: number;
  attrs: Record<string, string>;
}

function findProto(): string {
  // Works from src (tsx) and from dist/ alike: walk up to the repo root.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, "clients/interop/interop.proto");
    try {
      return readFileSync(candidate, "utf8");
    } catch {
      dir = dirname(dir);
    }
  }
  throw new Error("clients/interop/interop.proto not found above this script");
}

function codecOf(source: string): Codec<InteropRecord> {
  const root = protobuf.parse(source, { keepCase: true }).root;
  const type = root.lookupType(TYPE);
  return {
    typeName: TYPE,
    encode: (m) => type.encode(type.fromObject(m)).finish(),
    decode: (b) => {
      const o = type.toObject(type.decode(b), { longs: String, bytes: Array, defaults: true }) as Record<
        string,
        unknown
      >;
      return {
        run: o.run as string,
        language: o.language as string,
        seq: Number(o.seq),
        text: o.text as string,
        blob: Uint8Array.from(o.blob as number[]),
        value: o.value as number,
        attrs: o.attrs as Record<string, string>,
      };
    },
  };
}

function record(run: string, seq: number): InteropRecord {
  return {
    run,
    language: "typescript",
    seq,
    text: `héllo ✓ ${seq}`,
    blob: Uint8Array.from([seq % 256, (seq * 7) % 256, 255]),
    value: seq * 0.5,
    attrs: { k: String(seq) },
  };
}

function args(argv: string[]): { mode: string; flags: Map<string, string> } {
  const [mode = "", ...rest] = argv;
  const flags = new Map<string, string>();
  for (let i = 0; i < rest.length; i += 2) {
    const k = rest[i]!;
    if (!k.startsWith("--") || rest[i + 1] === undefined) throw new Error(`bad argument ${k}`);
    flags.set(k.slice(2), rest[i + 1]!);
  }
  return { mode, flags };
}

const out = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);

async function main(): Promise<number> {
  const { mode, flags } = args(process.argv.slice(2));
  const agent = flags.get("agent") ?? "127.0.0.1:7400";
  const run = flags.get("run") ?? "";
  const count = Number(flags.get("count") ?? "0");
  if ((flags.get("transport") ?? "grpc") !== "grpc") throw new Error("the TypeScript SDK speaks gRPC only");
  if (!run || !Number.isInteger(count) || count < 0) throw new Error("--run and --count N are required");
  const source = findProto();
  const codec = codecOf(source);
  const client = connect({ address: agent });
  try {
    await client.registerTypeFromSource(TYPE, { [PROTO_PATH]: source }, "proto");
    if (mode === "publish") {
      const pub = client.publisher({ maxBatch: 256, lingerMs: 2 });
      for (let seq = 0; seq < count; seq++) void pub.publish(codec, record(run, seq));
      await pub.close();
      out({ event: "published", count });
      return 0;
    }
    if (mode !== "subscribe") throw new Error(`mode must be publish or subscribe, got "${mode}"`);
    const ac = new AbortController();
    const timeoutMs = Number(flags.get("timeout-ms") ?? "60000");
    let received = 0;
    const timer = setTimeout(() => ac.abort(), timeoutMs);
    const sub = client.subscribe(codec, { signal: ac.signal });
    void sub.started.then(() => out({ event: "ready" }));
    for await (const d of sub) {
      if (d.kind === "gap") {
        out({ event: "gap", message: d.message });
        continue;
      }
      const m = d.message!;
      if (m.run !== run) continue;
      out({
        event: "record",
        language: m.language,
        seq: m.seq,
        text: m.text,
        value: m.value,
        blob_hex: Buffer.from(m.blob).toString("hex"),
        attrs: m.attrs,
      });
      if (++received === count) break;
    }
    clearTimeout(timer);
    if (received < count) {
      out({ event: "timeout", received });
      return 3;
    }
    out({ event: "done", received });
    return 0;
  } finally {
    client.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`interop (typescript): ${err.message}\n`);
    process.exit(1);
  },
);
