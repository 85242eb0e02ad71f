import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect } from "../../src/sdk/index.js";
import { type AgentProcess, startAgentProcess } from "../support/agent-process.js";
import { REPO } from "../support/schema.js";

// Every language's sample client, as `make demo` runs it (same order, same
// gateways: typescript at n1, python at n2, java at n3, ruby at n1), against one
// overlay of real gateways. Each sample reads the other languages' types from the
// earliest retained digest until caught up, so it prints what the samples before
// it published, wherever they published it.
const samples = JSON.parse(readFileSync(join(REPO, "clients/samples.json"), "utf8")) as Record<
  string,
  { command: string[] }
>;
const languages = Object.keys(samples).filter((k) => !k.startsWith("_"));
/** Digests each sample publishes of its own type, given a Thrift address (python's tour runs twice). */
const PUBLISHED: Record<string, number> = { typescript: 5, python: 10, java: 5, ruby: 5 };

let gateways: AgentProcess[] = [];
beforeAll(async () => {
  const first = await startAgentProcess("e2e-n1", ["--profile", "local"]);
  const rest = await Promise.all(
    ["e2e-n2", "e2e-n3"].map((n) => startAgentProcess(n, ["--profile", "local", "--join", first.gossip])),
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

/** How many "received from <lang> at <node>:" lines the sample printed, per language. */
function receivedFrom(out: string): Record<string, Record<string, number>> {
  const got: Record<string, Record<string, number>> = {};
  for (const m of out.matchAll(/ sample: received from (\w+) at ([\w-]+): /g)) {
    const byNode = (got[m[1]!] ??= {});
    byNode[m[2]!] = (byNode[m[2]!] ?? 0) + 1;
  }
  return got;
}

describe("sample clients of every language", () => {
  it("covers the four SDK languages, in the demo's order", () => {
    expect(languages).toEqual(["typescript", "python", "java", "ruby"]);
  });

  // Sequential: each sample sees what the ones before it published.
  it.each(languages.map((l, i) => [l, i]))(
    "%s sample talks to a gateway over gRPC and Thrift and prints the earlier samples' digests",
    (lang, i) => {
      const gw = gateways[(i as number) % gateways.length]!;
      const [cmd, ...args] = samples[lang as string]!.command.map((a) =>
        a.replace("{grpc}", gw.grpc).replace("{thrift}", gw.thrift!),
      );
      const r = spawnSync(cmd!, args, { cwd: REPO, encoding: "utf8", timeout: 60_000 });
      expect(r.status, `${lang} sample failed:\n${r.stdout}\n${r.stderr}`).toBe(0);
      const out = r.stdout;
      // The sample prints what it asked over each transport and the node that answered.
      expect(out).toContain(gw.grpc);
      expect(out).toContain(gw.thrift!);
      expect(out).toMatch(/gRPC/);
      expect(out).toMatch(/Thrift/);
      expect(out.split(gw.name).length - 1).toBeGreaterThanOrEqual(2);
      // Every digest of the samples that ran before, once, from the gateway it was published at.
      const before = languages.slice(0, i as number);
      const expected = Object.fromEntries(
        before.map((l, j) => [l, { [gateways[j % gateways.length]!.name]: PUBLISHED[l]! }]),
      );
      expect(receivedFrom(out), out).toEqual(expected);
      const total = before.reduce((n, l) => n + PUBLISHED[l]!, 0);
      if (before.length === 0) expect(out).toContain("none of the other languages' samples has run");
      else expect(out).toContain(`caught up: ${total} digest(s) of the other languages' samples`);
    },
  );
});
