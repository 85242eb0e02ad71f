import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect } from "../../src/sdk/index.js";
import { type AgentProcess, startAgentProcess } from "../support/agent-process.js";
import { REPO } from "../support/schema.js";

// Every SDK publishes InteropRecords (clients/interop/interop.proto) and every
// other SDK receives them on another gateway, over gRPC or Thrift: each record
// must arrive once, in order, decoding to the values derived from its seq.
const samples = JSON.parse(readFileSync(join(REPO, "clients/samples.json"), "utf8")) as Record<
  string,
  { interop?: { command: string[]; transports: string[] } }
>;
const LANGUAGES = ["typescript", "python", "java", "ruby"] as const;
const COUNT = 150;

let gateways: AgentProcess[] = [];
beforeAll(async () => {
  const first = await startAgentProcess("x-n1", ["--profile", "local"]);
  const rest = await Promise.all(
    ["x-n2", "x-n3"].map((n) => startAgentProcess(n, ["--profile", "local", "--join", first.gossip])),
  );
  gateways = [first, ...rest];
  const c = connect({ address: first.grpc });
  for (let i = 0; i < 100 && (await c.members()).length < 3; i++)
    await new Promise((r) => setTimeout(r, 100));
  c.close();
}, 30_000);
afterAll(async () => {
  await Promise.all(gateways.map((g) => g.stop()));
});

interface Running {
  lang: string;
  child: ChildProcess;
  lines: Array<Record<string, unknown>>;
  stderr: string;
  exited: Promise<number | null>;
  ready: Promise<void>;
}

function interop(lang: string, mode: string, gw: AgentProcess, transport: string, run: string): Running {
  const spec = samples[lang]?.interop;
  if (!spec) throw new Error(`clients/samples.json has no "${lang}".interop command`);
  const agent = transport === "thrift" ? gw.thrift! : gw.grpc;
  const [cmd, ...args] = spec.command;
  const child = spawn(
    cmd!,
    [
      ...args,
      mode,
      "--agent",
      agent,
      "--transport",
      transport,
      "--run",
      run,
      "--count",
      String(COUNT),
      "--timeout-ms",
      "90000",
    ],
    { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] },
  );
  const r: Running = {
    lang,
    child,
    lines: [],
    stderr: "",
    exited: new Promise((resolve) => child.once("exit", (code) => resolve(code))),
    ready: Promise.resolve(),
  };
  child.stderr!.on("data", (d: Buffer) => (r.stderr += d.toString()));
  r.ready = new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on("line", (line) => {
      let o: Record<string, unknown>;
      try {
        o = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return; // not one of the script's JSON lines (e.g. a library's notice)
      }
      r.lines.push(o);
      if (o.event === "ready") resolve();
    });
    void r.exited.then((code) =>
      reject(new Error(`${lang} ${mode} exited ${code} before ready:\n${r.stderr}`)),
    );
  });
  // Only subscribers announce "ready"; a publisher's exit must not surface as an unhandled rejection.
  if (mode !== "subscribe") r.ready.catch(() => {});
  return r;
}

function expected(lang: string, seq: number): Record<string, unknown> {
  const blob = Buffer.from([seq % 256, (seq * 7) % 256, 255]).toString("hex");
  return {
    event: "record",
    language: lang,
    seq,
    text: `héllo ✓ ${seq}`,
    value: seq * 0.5,
    blob_hex: blob,
    attrs: { k: String(seq) },
  };
}

describe("cross-language interop: each SDK publishes, every other SDK receives", () => {
  it("has an interop command for every SDK", () => {
    for (const l of LANGUAGES) expect(samples[l]?.interop?.command, l).toBeDefined();
  });

  it.each(LANGUAGES.map((l, i) => [l, i]))(
    "%s publishes; the others receive every record once, in order, decoded alike",
    async (publisher, i) => {
      const run = `run-${publisher}-${Date.now()}`;
      const receivers = LANGUAGES.filter((l) => l !== publisher);
      const subs = receivers.map((lang, k) => {
        const transports = samples[lang]!.interop!.transports;
        // Alternate transports across the matrix so gRPC and Thrift both carry every pairing.
        const transport = transports[(i + k) % transports.length]!;
        return interop(lang, "subscribe", gateways[(k + 1) % 3]!, transport, run);
      });
      try {
        await Promise.all(subs.map((s) => s.ready));
        const pubTransports = samples[publisher]!.interop!.transports;
        const pub = interop(
          publisher,
          "publish",
          gateways[0]!,
          pubTransports[i % pubTransports.length]!,
          run,
        );
        expect(await pub.exited, `${publisher} publish failed:\n${pub.stderr}`).toBe(0);
        for (const s of subs) {
          const code = await s.exited;
          expect(
            code,
            `${s.lang} subscriber failed:\n${s.stderr}\n${JSON.stringify(s.lines.slice(-3))}`,
          ).toBe(0);
          const records = s.lines.filter((o) => o.event === "record");
          expect(
            s.lines.filter((o) => o.event === "gap"),
            `${s.lang} saw gaps`,
          ).toEqual([]);
          expect(
            records.map((o) => o.seq),
            `${s.lang} order`,
          ).toEqual(Array.from({ length: COUNT }, (_, n) => n));
          records.forEach((o, seq) =>
            expect(o, `${s.lang} record ${seq}`).toEqual(expected(publisher as string, seq)),
          );
        }
      } finally {
        for (const s of subs) if (s.child.exitCode === null) s.child.kill("SIGKILL");
      }
    },
    180_000,
  );
});
