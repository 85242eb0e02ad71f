import { afterEach, describe, expect, it } from "vitest";
import { connect, type Member, MemberStatus } from "../../src/sdk/index.js";
import { type AgentProcess, startAgentProcess } from "../support/agent-process.js";

// Five real agent processes on loopback: they join, one is SIGKILLed and must be
// declared dead by all others, one leaves and must be seen as left (not failed).

let agents: AgentProcess[] = [];
afterEach(async () => {
  await Promise.all(agents.map((a) => a.stop("SIGKILL")));
  agents = [];
});

async function membersSeenBy(a: AgentProcess): Promise<Member[]> {
  const c = connect({ address: a.grpc, callTimeoutMs: 3_000 });
  try {
    return await c.members();
  } finally {
    c.close();
  }
}

/** Polls every 200 ms until `check` holds for every observer, or fails after `timeoutMs`. */
async function eventually(
  observers: AgentProcess[],
  check: (members: Member[]) => boolean,
  timeoutMs: number,
  what: string,
): Promise<number> {
  const start = Date.now();
  for (;;) {
    const views = await Promise.all(observers.map(membersSeenBy));
    if (views.every(check)) return Date.now() - start;
    if (Date.now() - start > timeoutMs) {
      const summary = views.map(
        (v, i) => `${observers[i]!.name}: ${v.map((m) => `${m.name}=${m.status}`).join(" ")}`,
      );
      throw new Error(`not ${what} within ${timeoutMs} ms:\n${summary.join("\n")}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

const status = (members: Member[], name: string) => members.find((m) => m.name === name)?.status;

describe.each([
  ["IPv4", "127.0.0.1"],
  ["IPv6", "::1"],
])("five agents over %s loopback", (_family, host) => {
  it("join, detect a SIGKILLed member as dead and a leaving one as left", async () => {
    const bind = host.includes(":") ? `[${host}]:0` : `${host}:0`;
    const prefix = host.includes(":") ? "v6" : "v4";
    const seed = await startAgentProcess(`${prefix}-a1`, ["--bind", bind]);
    agents.push(seed);
    const rest = await Promise.all(
      [2, 3, 4, 5].map((i) => startAgentProcess(`${prefix}-a${i}`, ["--bind", bind, "--join", seed.gossip])),
    );
    agents.push(...rest);
    const names = agents.map((a) => a.name);
    expect(seed.gossip.startsWith(host.includes(":") ? "[::1]:" : "127.0.0.1:")).toBe(true);

    await eventually(
      agents,
      (ms) => names.every((n) => status(ms, n) === MemberStatus.MEMBER_STATUS_ALIVE),
      15_000,
      "all five alive everywhere",
    );

    const [, victim, leaver, ...survivors] = agents as [
      AgentProcess,
      AgentProcess,
      AgentProcess,
      ...AgentProcess[],
    ];
    await victim.stop("SIGKILL");
    const observers = [seed, leaver, ...survivors];
    await eventually(
      observers,
      (ms) => status(ms, victim.name) === MemberStatus.MEMBER_STATUS_DEAD,
      30_000,
      `${victim.name} dead everywhere`,
    );

    expect(await leaver.stop("SIGTERM")).toBe(0);
    expect(leaver.lines.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
    await eventually(
      [seed, ...survivors],
      (ms) =>
        status(ms, leaver.name) === MemberStatus.MEMBER_STATUS_LEFT &&
        status(ms, victim.name) === MemberStatus.MEMBER_STATUS_DEAD,
      15_000,
      `${leaver.name} left (not failed) everywhere`,
    );
  });
});
