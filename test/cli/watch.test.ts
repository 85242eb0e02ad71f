import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type HearsayClient } from "../../src/sdk/index.js";
import { type AgentProcess, startAgentProcess } from "../support/agent-process.js";
import { type CliProcess, runCli, startCli, until } from "./run-cli.js";

let w1: AgentProcess;
let w2: AgentProcess;
let c1: HearsayClient;
let c2: HearsayClient;
let dir: string;
const watches: CliProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "hearsay-watch-"));
  w1 = await startAgentProcess("watch-1", ["--profile", "local"]);
  w2 = await startAgentProcess("watch-2", [
    "--profile",
    "local",
    "--join",
    w1.gossip,
    "--tag",
    "role=broker",
  ]);
  c1 = connect({ address: w1.grpc });
  c2 = connect({ address: w2.grpc });
  await until(async () => (await c1.members()).length === 2, 15_000, "2 members");
}, 40_000);
afterAll(async () => {
  for (const w of watches) w.child.kill("SIGKILL");
  c1?.close();
  c2?.close();
  await Promise.all([w1?.stop(), w2?.stop()]);
});

/** Starts `hearsay watch ... --agent w1` and waits for its first line. */
async function watch(...args: string[]): Promise<CliProcess> {
  const p = startCli(["watch", ...args, "--agent", w1.grpc]);
  watches.push(p);
  await p.waitFor("hearsay watch: watching", 15_000);
  return p;
}

async function stop(p: CliProcess): Promise<number | null> {
  p.child.kill("SIGTERM");
  return (await p.done).code;
}

/** A command that appends one line per run: the env variables given, then stdin (one JSON line). */
function logger(file: string, vars: string[]): string {
  const fmt = vars.map(() => "%s\\t").join("");
  return `printf '${fmt}' ${vars.map((v) => `"$${v}"`).join(" ")} >> ${file}; tr -d '\\n' >> ${file}; echo >> ${file}`;
}

function runs(file: string): string[][] {
  let text = "";
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return [];
  }
  // The last piece is "" or a line still being written.
  return text
    .split("\n")
    .slice(0, -1)
    .map((l) => l.split("\t"));
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("hearsay watch", () => {
  it("--members --tag runs with the live members carrying the tag, as tags change at runtime", async () => {
    const log = join(dir, "members.log");
    const p = await watch(
      "--members",
      "--tag",
      "role=broker",
      "--quiet-ms",
      "300",
      "--exec",
      logger(log, ["HEARSAY_MEMBER_COUNT", "HEARSAY_MEMBERS"]),
    );
    await until(async () => runs(log).length === 1, 10_000, "the start run");
    expect(runs(log)[0]!.slice(0, 2)).toEqual(["1", "watch-2"]);
    const json = JSON.parse(runs(log)[0]![2]!) as {
      watch: string;
      members: { name: string; tags: object }[];
    };
    expect(json).toMatchObject({ watch: "members", tags: { role: "broker" }, count: 1 });
    expect(json.members[0]).toMatchObject({ name: "watch-2", host: "127.0.0.1", tags: { role: "broker" } });

    expect((await runCli(["tags", "set", "role=broker", "--agent", w1.grpc])).code).toBe(0);
    await until(async () => runs(log).length === 2, 10_000, "a run for watch-1 joining the set");
    expect(runs(log)[1]!.slice(0, 2)).toEqual(["2", "watch-1,watch-2"]);

    // A member that loses the tag leaves the set (the gateway's tag-filtered watch would not say so).
    expect((await runCli(["tags", "delete", "role", "--agent", w2.grpc])).code).toBe(0);
    await until(async () => runs(log).length === 3, 10_000, "a run for watch-2 leaving the set");
    expect(runs(log)[2]!.slice(0, 2)).toEqual(["1", "watch-1"]);
    expect(await stop(p)).toBe(0);
  });

  it("--template rewrites the file atomically, only when the text changes, then runs --then", async () => {
    const tpl = join(dir, "zk.mustache");
    const out = join(dir, "zk.properties");
    const thenLog = join(dir, "then.log");
    writeFileSync(
      tpl,
      "zookeeper.connect={{hostports}}\n{{#instances}}server.{{index}}={{address}}:{{port}}\n{{/instances}}",
    );
    const p = await watch(
      "--service",
      "zk",
      "--quiet-ms",
      "300",
      "--template",
      tpl,
      "--out",
      out,
      "--then",
      logger(thenLog, ["HEARSAY_INSTANCE_COUNT"]),
    );
    await until(async () => runs(thenLog).length === 1, 10_000, "the first render");
    expect(readFileSync(out, "utf8")).toBe("zookeeper.connect=\n");

    await c1.registerService({ name: "zk", id: "zk-a", port: 2181, address: "10.0.0.1", tags: { v: "1" } });
    await until(async () => runs(thenLog).length === 2, 10_000, "a render with zk-a");
    expect(readFileSync(out, "utf8")).toBe("zookeeper.connect=10.0.0.1:2181\nserver.0=10.0.0.1:2181\n");
    const before = statSync(out);

    // A tag-only update changes the instance but not the text: no write, no --then.
    await c1.registerService({ name: "zk", id: "zk-a", port: 2181, address: "10.0.0.1", tags: { v: "2" } });
    await p.waitFor("/zk.properties unchanged", 10_000);
    await settle(500);
    const after = statSync(out);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    expect(runs(thenLog).length).toBe(2);

    await c2.registerService({ name: "zk", id: "zk-b", port: 2182, address: "10.0.0.2" });
    await until(async () => runs(thenLog).length === 3, 10_000, "a render with zk-b");
    expect(readFileSync(out, "utf8")).toBe(
      "zookeeper.connect=10.0.0.1:2181,10.0.0.2:2182\nserver.0=10.0.0.1:2181\nserver.1=10.0.0.2:2182\n",
    );
    expect(statSync(out).ino).not.toBe(before.ino); // replaced by rename, never written in place
    expect(await stop(p)).toBe(0);

    // --once: render the current state and exit.
    const once = join(dir, "once.properties");
    const r = await runCli([
      "watch",
      "--service",
      "zk",
      "--template",
      tpl,
      "--out",
      once,
      "--once",
      "--agent",
      w1.grpc,
    ]);
    expect(r.code).toBe(0);
    expect(readFileSync(once, "utf8")).toBe(readFileSync(out, "utf8"));
  });

  it("a failing command is logged with its exit code and retried on the next change", async () => {
    const log = join(dir, "flaky.log");
    const p = await watch("--service", "flaky", "--quiet-ms", "300", "--exec", `echo run >> ${log}; exit 7`);
    await p.waitFor("--exec failed: exit code 7 after", 10_000);
    expect(p.stderr()).toContain("will run again on the next change");
    await settle(1_000);
    expect(runs(log).length).toBe(1); // not retried without a change

    const reg = await c1.registerService({ name: "flaky", id: "f1", port: 1 });
    await until(async () => runs(log).length === 2, 10_000, "a retry on the change");
    await c1.registerService({ name: "flaky", id: "f1", port: 1, tags: { x: "1" } });
    await until(async () => runs(log).length === 3, 10_000, "another retry");
    expect(p.stderr().match(/--exec failed: exit code 7/g)?.length).toBe(3);
    await reg.deregister();
    expect(await stop(p)).toBe(0);
  });

  it("--exec runs once per burst with the instances in env and stdin, and when one leaves or its node dies", async () => {
    const log = join(dir, "kafka.log");
    const p = await watch(
      "--service",
      "kafka",
      "--quiet-ms",
      "1000",
      "--exec",
      logger(log, ["HEARSAY_SERVICE", "HEARSAY_INSTANCE_COUNT", "HEARSAY_INSTANCES"]),
    );
    await until(async () => runs(log).length === 1, 10_000, "the start run");
    expect(runs(log)[0]).toEqual([
      "kafka",
      "0",
      "",
      '{"watch":"service","service":"kafka","count":0,"instances":[]}',
    ]);

    // Three registrations at once on the other gateway: one run with all three.
    const regs = await Promise.all(
      [9094, 9092, 9093].map((port) =>
        c2.registerService({ name: "kafka", port, tags: { p: String(port) } }),
      ),
    );
    await until(async () => runs(log).length === 2, 15_000, "the burst's run");
    const [service, count, instances, stdin] = runs(log)[1]!;
    expect([service, count, instances]).toEqual([
      "kafka",
      "3",
      "127.0.0.1:9092,127.0.0.1:9093,127.0.0.1:9094",
    ]);
    const json = JSON.parse(stdin!) as {
      count: number;
      instances: { id: string; node: string; hostport: string }[];
    };
    expect(json.count).toBe(3);
    expect(json.instances.map((i) => [i.id, i.node, i.hostport])).toEqual([
      ["watch-2:kafka:9092", "watch-2", "127.0.0.1:9092"],
      ["watch-2:kafka:9093", "watch-2", "127.0.0.1:9093"],
      ["watch-2:kafka:9094", "watch-2", "127.0.0.1:9094"],
    ]);

    await regs[0]!.deregister();
    await until(async () => runs(log).length === 3, 15_000, "a run after a deregistration");
    expect(runs(log)[2]!.slice(1, 3)).toEqual(["2", "127.0.0.1:9092,127.0.0.1:9093"]);

    // The node holding the others dies: its instances expire, one more run.
    await w2.stop("SIGKILL");
    await until(async () => runs(log).length === 4, 30_000, "a run after watch-2 died");
    expect(runs(log)[3]!.slice(1, 3)).toEqual(["0", ""]);
    await settle(1_500);
    expect(runs(log).length).toBe(4);
    expect(await stop(p)).toBe(0);
  });

  it("bad flags exit 2 and name the problem (every case: watch-flags.test.ts)", async () => {
    const broken = join(dir, "broken.mustache");
    writeFileSync(broken, "{{#instances}}");
    const cases: [string[], string][] = [
      [["--exec", "true"], "hearsay watch: usage: give exactly one of --service NAME and --members\n"],
      [
        ["--service", "a", "--template", broken, "--out", "x"],
        `hearsay watch: usage: --template ${broken}: Unclosed section "instances" at 14\n`,
      ],
      [
        ["--service", "a", "--exec", "true", "--quiet-ms", "soon"],
        'hearsay watch: usage: --quiet-ms "soon": expected a whole number from 0 to 86400000\n',
      ],
      [["--service"], "error: option '--service <name>' argument missing\n"],
    ];
    const results = await Promise.all(
      cases.map(([args]) => runCli(["watch", "--agent", "127.0.0.1:1", ...args])),
    );
    results.forEach((r, i) => {
      expect(r.stderr, cases[i]![0].join(" ")).toBe(cases[i]![1]);
      expect(r.code, cases[i]![0].join(" ")).toBe(2);
    });
  });
});
