// The fault test's TypeScript client (compiled to dist/test/netns/sdk-client.js), one per role:
//   sdk-client.js publish   --proto INTEROP.PROTO --agent H:P --run RUN --name P1 --count N --rate PER_S
//   sdk-client.js subscribe --proto INTEROP.PROTO --agent H:P --run RUN --out FILE
// Records are InteropRecords (clients/interop/interop.proto) with run = "RUN/PUBLISHER" and seq
// 0..N-1. The publisher publishes one at a time at a steady rate, so at most one publish is in
// flight; "pause" on stdin waits for it and answers {"event":"paused"}, "resume" re-registers the
// type (the gateway may have restarted without its data dir) and continues. The subscriber writes
// one line per delivery to --out ("D publisher seq origin epoch stream_sequence", "G reason ranges")
// and reconnects through the SDK, which resumes from its cursor. "stop" (or stdin's end) ends either.
// One JSON event per stdout line: ready, progress, retry, paused, resumed, resubscribed, done, error.
import { createWriteStream, readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import protobuf from "protobufjs";
import {
  type Codec,
  connect,
  type HearsayClient,
  HearsayError,
  type Subscription,
} from "../../src/sdk/index.js";

const TYPE = "hearsay.interop.v1.InteropRecord";
/** Resubscribes after a refusal (e.g. NOT_FOUND while a fresh gateway has not got the type yet). */
const MAX_RESUBSCRIBES = 30;
/** Publish failures tolerated in a row before giving up. */
const MAX_PUBLISH_ERRORS = 100;
const PROGRESS_EVERY_MS = 500;

interface Rec {
  run: string;
  language: string;
  seq: number;
  text: string;
  blob: Uint8Array;
  value: number;
  attrs: Record<string, string>;
}

function flags(argv: string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i]!.startsWith("--") || argv[i + 1] === undefined) throw new Error(`bad argument ${argv[i]}`);
    m.set(argv[i]!.slice(2), argv[i + 1]!);
  }
  return m;
}

const [mode, ...rest] = process.argv.slice(2);
const f = flags(rest);
// --proto: clients/interop/interop.proto (this file runs from dist/, away from it).
const source = readFileSync(f.get("proto") ?? "", "utf8");
const recType = protobuf.parse(source, { keepCase: true }).root.lookupType(TYPE);
const codec: Codec<Rec> = {
  typeName: TYPE,
  encode: (m) => recType.encode(recType.fromObject(m)).finish(),
  decode: (b) => recType.toObject(recType.decode(b), { longs: Number, defaults: true }) as Rec,
};

const out = (o: object): void => void process.stdout.write(`${JSON.stringify(o)}\n`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function register(client: HearsayClient): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.registerType({
        typeName: TYPE,
        protoFiles: { "hearsay/interop/v1/interop.proto": source },
      });
      return;
    } catch (e) {
      if (attempt >= 60) throw e;
      await sleep(500);
    }
  }
}

/** Commands from the driver, one per stdin line; stdin's end counts as "stop". */
class Control {
  paused = false;
  stopped = false;
  private wake: () => void = () => {};
  constructor() {
    const rl = createInterface({ input: process.stdin });
    rl.on("line", (l) => this.apply(l.trim()));
    rl.on("close", () => this.apply("stop"));
  }
  private apply(cmd: string): void {
    if (cmd === "pause") this.paused = true;
    if (cmd === "resume") this.paused = false;
    if (cmd === "stop") this.stopped = true;
    this.wake();
  }
  /** Resolves on the next command. */
  next(): Promise<void> {
    return new Promise((r) => (this.wake = r));
  }
}

async function publish(client: HearsayClient, ctl: Control): Promise<number> {
  const name = f.get("name")!;
  const run = `${f.get("run")}/${name}`;
  const count = Number(f.get("count"));
  const intervalMs = 1000 / Number(f.get("rate"));
  await register(client);
  out({ event: "ready" });
  let base = performance.now();
  let seq = 0;
  let errors = 0;
  let failedSeqs = 0;
  const progress = setInterval(() => out({ event: "progress", published: seq }), PROGRESS_EVERY_MS);
  while (seq < count && !ctl.stopped) {
    if (ctl.paused) {
      out({ event: "paused", published: seq });
      while (ctl.paused && !ctl.stopped) await ctl.next();
      if (ctl.stopped) break;
      await register(client);
      base = performance.now() - seq * intervalMs;
      out({ event: "resumed" });
      continue;
    }
    const wait = base + seq * intervalMs - performance.now();
    if (wait > 0) await sleep(wait);
    const r = {
      run,
      language: "typescript",
      seq,
      text: `héllo ✓ ${seq}`,
      blob: Uint8Array.from([seq % 256, (seq * 7) % 256, 255]),
      value: seq * 0.5,
      attrs: { k: String(seq) },
    };
    try {
      await client.publish(codec, r);
      seq++;
      errors = 0;
    } catch (e) {
      // Whether the gateway logged it is unknown: retrying may publish it twice (the test reports it).
      failedSeqs++;
      out({ event: "publish_error", seq, message: (e as Error).message });
      if (++errors > MAX_PUBLISH_ERRORS) throw e;
      await sleep(200);
    }
  }
  clearInterval(progress);
  out({ event: "done", published: seq, failed_publishes: failedSeqs });
  return 0;
}

async function subscribe(client: HearsayClient, ctl: Control): Promise<number> {
  const prefix = `${f.get("run")}/`;
  const file = createWriteStream(f.get("out")!, { flags: "a" });
  let received = 0;
  let lastShown = -1;
  /** Deliveries per publisher (duplicates included). */
  const by: Record<string, number> = {};
  const progress = setInterval(() => {
    if (received !== lastShown) out({ event: "progress", received: (lastShown = received), by });
  }, PROGRESS_EVERY_MS);
  await register(client);
  const stop = new AbortController();
  void (async () => {
    while (!ctl.stopped) await ctl.next();
    stop.abort();
  })();
  let sub: Subscription<Rec> | null = null;
  for (let attempt = 0; attempt <= MAX_RESUBSCRIBES && !ctl.stopped; attempt++) {
    const s: Subscription<Rec> = client.subscribe(codec, {
      start: "earliest",
      signal: stop.signal,
      ...(sub ? { resumeFrom: sub.cursor } : {}),
      onRetry: (e, n, delayMs) => out({ event: "retry", code: e.codeName, attempt: n, delayMs }),
    });
    if (attempt === 0)
      void s.started.then(
        () => out({ event: "ready" }),
        () => {},
      );
    sub = s;
    try {
      for await (const d of s) {
        if (d.kind === "gap") {
          file.write(
            `G ${d.reason} ${JSON.stringify(d.ranges, (_, v) => (typeof v === "bigint" ? `${v}` : v))}\n`,
          );
          continue;
        }
        const m = d.message;
        if (m === undefined || !m.run.startsWith(prefix)) continue;
        const pub = m.run.slice(prefix.length);
        file.write(`D ${pub} ${m.seq} ${d.origin} ${d.epoch} ${d.streamSequence}\n`);
        by[pub] = (by[pub] ?? 0) + 1;
        received++;
      }
      break; // closed by "stop"
    } catch (e) {
      if (!(e instanceof HearsayError)) throw e;
      out({ event: "resubscribed", code: e.codeName, message: e.message });
      file.write(`R ${e.codeName}\n`);
      await sleep(1_000);
      await register(client).catch(() => {});
    }
  }
  clearInterval(progress);
  await new Promise<void>((r) => file.end(r));
  out({ event: "done", received });
  return 0;
}

async function main(): Promise<number> {
  const client = connect({ address: f.get("agent")!, callTimeoutMs: 5_000 });
  const ctl = new Control();
  try {
    if (mode === "publish") return await publish(client, ctl);
    if (mode === "subscribe") return await subscribe(client, ctl);
    throw new Error(`mode: publish or subscribe, got ${mode}`);
  } finally {
    client.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    out({ event: "error", message: err.message });
    process.exit(1);
  },
);
