import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AgentProcess, startAgentProcess } from "../support/agent-process.js";
import { REPO } from "../support/schema.js";

// Every language's sample client, as `make demo` runs it, against real gateways.
const samples = JSON.parse(readFileSync(join(REPO, "clients/samples.json"), "utf8")) as Record<
  string,
  { command: string[] }
>;
const languages = Object.keys(samples).filter((k) => !k.startsWith("_"));

let gateways: AgentProcess[] = [];
beforeAll(async () => {
  gateways = await Promise.all(["e2e-n1", "e2e-n2", "e2e-n3"].map((n) => startAgentProcess(n)));
});
afterAll(async () => {
  await Promise.all(gateways.map((g) => g.stop()));
});

describe("sample clients of every language", () => {
  it("covers the four SDK languages", () => {
    expect(languages.sort()).toEqual(["java", "python", "ruby", "typescript"]);
  });

  it.each(languages.map((l, i) => [l, i]))("%s sample talks to a gateway over gRPC and Thrift", (lang, i) => {
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
  });
});
