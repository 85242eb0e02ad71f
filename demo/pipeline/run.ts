// The self-reconfiguring pipeline demo (issue #9; README.md here). Starts 3
// gateways on loopback, two coordination servers (ZooKeeper) with Hearsay
// sidecars, a broker (Java), a processor (Ruby), an ingest (Python) and a
// consumer (TypeScript); then kills the broker's gateway, starts a second
// broker, stops the first coordination server, and checks that every record
// ingested reached the consumer. Exit 0 = every record arrived.
// Run: node dist/demo/pipeline/run.js [--count N] [--rate R]
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { flags, ROOT, say } from "./common.js";
import { Proc } from "./processes.js";

const f = flags(process.argv.slice(2), { count: "400", rate: "40", "keep-logs": "false" });
const COUNT = Number(f.count);
const RATE = Number(f.rate);
const ZK_SERVER = "/usr/share/zookeeper/bin/zkServer.sh";
const components = JSON.parse(readFileSync(join(ROOT, "demo/pipeline/components.json"), "utf8")) as Record<
  string,
  { command: string[] }
>;

const procs: Proc[] = [];
const start = (label: string, command: string[], opts: { env?: NodeJS.ProcessEnv; group?: boolean } = {}) => {
  const p = new Proc(label, command, ROOT, opts);
  procs.push(p);
  return p;
};
const node = (script: string, ...args: string[]) => [
  process.execPath,
  `dist/demo/pipeline/${script}.js`,
  ...args,
];
const step = (text: string) => say(`\npipeline: ${text}`);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

interface Gateway {
  name: string;
  proc: Proc;
  grpc: string;
  gossip: string;
}

async function gateway(name: string, join?: string): Promise<Gateway> {
  const args = ["bin/hearsay.js", "agent", "--name", name, "--profile", "local"];
  args.push("--bind", "127.0.0.1:0", "--grpc", "127.0.0.1:0", ...(join ? ["--join", join] : []));
  const proc = new Proc(name, [process.execPath, ...args], ROOT, { echo: false });
  procs.push(proc);
  const ready = JSON.parse(await proc.waitFor(/"msg":"ready"/, 20_000)) as { grpc: string; gossip: string };
  say(`  ${name}: gossip ${ready.gossip}, gRPC ${ready.grpc}`);
  return { name, proc, grpc: ready.grpc, gossip: ready.gossip };
}

/** A ZooKeeper server (or, when ZooKeeper is not installed, the named stand-in). */
async function coordination(name: string, dir: string): Promise<{ proc: Proc; port: number }> {
  const port = await freePort();
  if (!existsSync(ZK_SERVER)) {
    return { proc: start(name, node("standin", "--port", String(port))), port };
  }
  const data = join(dir, name);
  mkdirSync(data, { recursive: true });
  const cfg = join(data, "zoo.cfg");
  writeFileSync(
    cfg,
    [
      "tickTime=2000",
      `dataDir=${data}`,
      `clientPort=${port}`,
      "clientPortAddress=127.0.0.1",
      "admin.enableServer=false",
      "4lw.commands.whitelist=srvr",
      "",
    ].join("\n"),
  );
  const proc = start(name, [ZK_SERVER, "start-foreground", cfg], {
    env: { ZOO_LOG_DIR: data, JVMFLAGS: "-Xmx128m" },
    group: true,
  });
  return { proc, port };
}

async function main(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "hearsay-pipeline-"));
  try {
    step("three gateways on loopback form an overlay");
    const g1 = await gateway("g1");
    const g2 = await gateway("g2", g1.gossip);
    const g3 = await gateway("g3", g1.gossip);

    const zkInstalled = existsSync(ZK_SERVER);
    step(
      zkInstalled
        ? "two ZooKeeper servers (Debian's zookeeper package), each with a Hearsay sidecar registering it as service 'coordination'"
        : `ZooKeeper is not installed (${ZK_SERVER} missing): using the demo's STAND-IN coordination server (demo/pipeline/standin.ts), which only answers srvr`,
    );
    const zk1 = await coordination("zk-1", dir);
    const zk2 = await coordination("zk-2", dir);
    const side1 = start(
      "sidecar zk-1",
      node("zk-sidecar", "--agent", g1.grpc, "--name", "zk-1", "--port", String(zk1.port)),
    );
    const side2 = start(
      "sidecar zk-2",
      node("zk-sidecar", "--agent", g3.grpc, "--name", "zk-2", "--port", String(zk2.port)),
    );
    await side1.waitFor(/registered coordination/, 60_000);
    await side2.waitFor(/registered coordination/, 60_000);

    step(
      `broker b1 (Java) at g2, processor p1 (Ruby) at g3, ingest i1 (Python, ${COUNT} records at ${RATE}/s) at g1, consumer c1 (TypeScript) at g3`,
    );
    const consumer = start(
      "consumer c1",
      node("consumer", "--agent", g3.grpc, "--name", "c1", "--count", String(COUNT)),
    );
    const b1 = start("broker b1", [...components.broker!.command, "--agent", g2.grpc, "--name", "b1"]);
    const p1 = start("processor p1", [...components.processor!.command, "--agent", g3.grpc, "--name", "p1"]);
    const i1 = start("ingest i1", [
      ...components.ingest!.command,
      ...["--agent", g1.grpc, "--name", "i1", "--count", String(COUNT), "--rate", String(RATE)],
    ]);
    await b1.waitFor(/coordination -> /, 60_000);
    await consumer.waitFor(/distinct records/, 90_000);
    const quarter = Math.max(1, Math.floor(COUNT / 4));
    await waitDistinct(consumer, quarter, 90_000);

    step(
      "DISRUPTION 1: killing gateway g2 (SIGKILL) - broker b1 loses its gateway; its 'broker' registration must expire everywhere",
    );
    let mark = p1.mark;
    await g2.proc.stop("SIGKILL");
    await p1.waitFor(/no broker; pausing/, 45_000, mark);
    say("pipeline: the processor noticed it has no broker and paused; the ingest will pause too");
    await i1.waitFor(/no processor; pausing/, 30_000);

    // At g3, where the processor publishes: a new subscriber's "earliest" reaches back over what its
    // own gateway holds, and the processor's gateway holds every Processed it published.
    step("starting a second broker, b2 (Java), at g3");
    mark = p1.mark;
    const b2 = start("broker b2", [...components.broker!.command, "--agent", g3.grpc, "--name", "b2"]);
    await p1.waitFor(/broker available; resuming/, 60_000, mark);
    say("pipeline: the processor found broker b2 and resumed; the ingest resumes with it");
    await waitDistinct(consumer, Math.floor(COUNT / 2), 120_000);

    step(
      "DISRUPTION 2: stopping coordination server zk-1 - its sidecar deregisters it; the broker must switch to zk-2",
    );
    mark = b2.mark;
    const usingZk1 = b2.lines.some((l) => l.includes(`coordination -> 127.0.0.1:${zk1.port}`));
    await zk1.proc.stop("SIGTERM");
    if (usingZk1) {
      await b2.waitFor(new RegExp(`coordination -> 127\\.0\\.0\\.1:${zk2.port}`), 30_000, mark);
      say("pipeline: broker b2 switched to zk-2");
    } else {
      await side1.waitFor(/deregistered coordination/, 30_000);
      say("pipeline: broker b2 was already on zk-2; zk-1's sidecar deregistered it");
    }

    step(`waiting until every one of the ${COUNT} records reaches the consumer`);
    await i1.waitFor(new RegExp(`: done ${COUNT}$`), 180_000);
    await consumer.waitFor(/all \d+ records arrived/, 120_000);
    step(`SUCCESS: all ${COUNT} records ingested before and after each disruption reached the consumer`);
    return 0;
  } catch (err) {
    step(`FAILED: ${(err as Error).message}`);
    return 1;
  } finally {
    for (const p of [...procs].reverse()) await p.stop("SIGTERM", 3000);
    if (f["keep-logs"] !== "true") rmSync(dir, { recursive: true, force: true });
  }
}

/** Resolves once the consumer reports at least `n` distinct records. */
async function waitDistinct(consumer: Proc, n: number, timeoutMs: number): Promise<void> {
  const re = /(\d+) distinct records/;
  const end = Date.now() + timeoutMs;
  for (;;) {
    const last = [...consumer.lines].reverse().find((l) => re.test(l));
    if (last && Number(re.exec(last)![1]) >= n) return;
    if (consumer.lines.some((l) => /all \d+ records arrived/.test(l))) return;
    if (Date.now() > end)
      throw new Error(`consumer has not reported ${n} distinct records within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

process.exit(await main());
