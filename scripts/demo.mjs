#!/usr/bin/env node
// `make demo`: starts three gateways on loopback that form one overlay, runs
// every language's sample client against them, then shows the overlay noticing
// a crash and a graceful leave, then runs the self-reconfiguring pipeline
// (demo/pipeline). Says in plain words what happens, stops every
// process it started, and ends by itself; Ctrl-C stops it early, cleaning up.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { connect, MemberStatus } from "../dist/src/sdk/index.js";

const root = join(fileURLToPath(import.meta.url), "..", "..");
const samples = JSON.parse(readFileSync(join(root, "clients/samples.json"), "utf8"));
const children = new Set();
const say = (text) => console.log(`demo: ${text}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const STATUS = { 1: "alive", 2: "suspect", 3: "dead", 4: "left" };

function startGateway(name, seed) {
  const args = ["bin/hearsay.js", "agent", "--name", name, "--profile", "local", "--bind", "127.0.0.1:0"];
  args.push("--grpc", "127.0.0.1:0", "--thrift", "127.0.0.1:0", "--tag", `started-by=demo`);
  if (seed) args.push("--join", seed);
  const child = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
  children.add(child);
  child.on("exit", () => children.delete(child));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway ${name} did not start in 15 s`)), 15_000);
    child.on("exit", (code) => reject(new Error(`gateway ${name} exited with ${code}`)));
    createInterface({ input: child.stdout }).on("line", (line) => {
      const msg = JSON.parse(line);
      if (msg.msg === "ready") {
        clearTimeout(timer);
        resolve({ name, gossip: msg.gossip, grpc: msg.grpc, thrift: msg.thrift, child });
      }
    });
  });
}

async function members(gw) {
  const c = connect({ address: gw.grpc, callTimeoutMs: 3_000 });
  try {
    return await c.members();
  } finally {
    c.close();
  }
}

/** Polls until `gw` sees `name` in `status` (bounded). Returns the wait in ms, or null on timeout. */
async function waitStatus(gw, name, status, timeoutMs) {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    const m = (await members(gw)).find((x) => x.name === name);
    if (m && m.status === status) return Date.now() - start;
    await sleep(100);
  }
  return null;
}

function runSample(lang, gw) {
  const spec = samples[lang];
  const command = spec.command.map((a) => a.replace("{grpc}", gw.grpc).replace("{thrift}", gw.thrift));
  return new Promise((resolve) => {
    const child = spawn(command[0], command.slice(1), { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    children.add(child);
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    const relay = (stream) =>
      createInterface({ input: stream }).on("line", (line) => console.log(`  | ${line}`));
    relay(child.stdout);
    relay(child.stderr);
    child.on("error", (err) => console.log(`  | could not start: ${err.message}`));
    child.on("close", (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve(code);
    });
  });
}

function stopAll() {
  for (const c of children) c.kill("SIGTERM");
}
process.on("SIGINT", () => {
  say("interrupted; stopping every process the demo started");
  stopAll();
  process.exit(130);
});

async function runSamples(gateways) {
  const plan = [
    ["typescript", gateways[0]],
    ["python", gateways[1]],
    ["java", gateways[2]],
    ["ruby", gateways[0]],
  ];
  const results = [];
  for (const [lang, gw] of plan) {
    const spec = samples[lang];
    if (!existsSync(join(root, spec.needs))) {
      say(`${lang} sample: not built yet (${spec.needs} is missing); skipping it`);
      results.push([lang, "not built"]);
      continue;
    }
    say(`running the ${lang} sample client against gateway ${gw.name}`);
    const code = await runSample(lang, gw);
    results.push([lang, code === 0 ? "ok" : `failed (exit ${code})`]);
  }
  return results;
}

async function main() {
  say("starting three Hearsay gateways on loopback; n2 and n3 join the overlay through n1");
  const n1 = await startGateway("n1");
  const [n2, n3] = await Promise.all([startGateway("n2", n1.gossip), startGateway("n3", n1.gossip)]);
  const gateways = [n1, n2, n3];
  for (const g of gateways) say(`gateway ${g.name}: gossip ${g.gossip}, gRPC ${g.grpc}, Thrift ${g.thrift}`);
  for (const g of gateways) await waitStatus(n3, g.name, MemberStatus.MEMBER_STATUS_ALIVE, 10_000);
  say(`n3 sees: ${(await members(n3)).map((m) => `${m.name} ${STATUS[m.status]}`).join(", ")}`);

  const results = await runSamples(gateways);

  say("crashing n3 (SIGKILL): the others should declare it dead");
  n3.child.kill("SIGKILL");
  const dead = await waitStatus(n1, "n3", MemberStatus.MEMBER_STATUS_DEAD, 30_000);
  say(dead === null ? "n1 did not declare n3 dead within 30 s" : `n1 declared n3 dead after ${dead} ms`);
  say("n2 leaves gracefully (SIGTERM): the others should see it left, not failed");
  n2.child.kill("SIGTERM");
  const left = await waitStatus(n1, "n2", MemberStatus.MEMBER_STATUS_LEFT, 15_000);
  say(left === null ? "n1 did not see n2 leave within 15 s" : `n1 saw n2 leave after ${left} ms`);
  say(`n1 now sees: ${(await members(n1)).map((m) => `${m.name} ${STATUS[m.status]}`).join(", ")}`);

  say(`results: ${results.map(([l, r]) => `${l} ${r}`).join(", ")}`);
  say("stopping the gateways");
  await Promise.all(
    gateways.map(
      (g) =>
        new Promise((resolve) => {
          if (g.child.exitCode !== null || g.child.signalCode !== null) return resolve();
          g.child.once("exit", resolve);
          g.child.kill("SIGTERM");
        }),
    ),
  );
  say("part 2: the self-reconfiguring pipeline (demo/pipeline/README.md)");
  const pipeline = spawnSync(process.execPath, ["dist/demo/pipeline/run.js"], {
    cwd: root,
    stdio: "inherit",
  });
  results.push(["pipeline", pipeline.status === 0 ? "ok" : `failed (exit ${pipeline.status})`]);
  say(`results: ${results.map(([l, r]) => `${l} ${r}`).join(", ")}`);
  say("done");
  const failed = results.some(([, r]) => r.startsWith("failed")) || dead === null || left === null;
  process.exitCode = failed ? 1 : 0;
}

main().catch((err) => {
  say(`failed: ${err.message}`);
  stopAll();
  process.exitCode = 1;
});
