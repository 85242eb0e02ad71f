import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Service } from "../../src/gen/proto/hearsay/v1/types.js";
import { connect, type HearsayClient } from "../../src/sdk/index.js";
import { heartbeat } from "../../src/sdk/internal.js";
import { type AgentProcess, startAgentProcess } from "../support/agent-process.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, check: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(5);
  }
}

/** A refresh that stays in flight until release() (or fail()); what happened goes to `log`. */
function fakeGateway() {
  const log: string[] = [];
  let settle: ((err?: Error) => void) | null = null;
  return {
    log,
    refresh: () => {
      log.push("refresh sent");
      return new Promise<void>((resolve, reject) => {
        settle = (err) => {
          log.push("refresh answered");
          if (err) reject(err);
          else resolve();
        };
      });
    },
    remove: () => {
      log.push("deregister");
      return Promise.resolve(true);
    },
    inFlight: () => settle !== null,
    release: (err?: Error) => settle?.(err),
  };
}

const service = (ttlMs: number) => Service.fromPartial({ name: "svc", id: "one", port: 80, ttlMs });

describe("heartbeat with a refresh in flight (fake gateway)", () => {
  for (const fail of [false, true]) {
    it(`deregister waits for it, then removes; nothing refreshes after (refresh ${fail ? "fails" : "answered"})`, async () => {
      const gw = fakeGateway();
      const errors: unknown[] = [];
      const ended: unknown[] = [];
      const reg = heartbeat(
        service(300),
        gw.refresh,
        gw.remove,
        (e) => errors.push(e),
        (r) => ended.push(r),
      );
      await waitFor("a refresh", gw.inFlight);
      // Two deregisters at once: neither removes before the refresh is answered.
      let done = 0;
      const both = Promise.all([reg.deregister(), reg.deregister()].map((p) => p.then(() => done++)));
      await sleep(150);
      expect(done).toBe(0);
      expect(gw.log).toEqual(["refresh sent"]);
      gw.release(fail ? new Error("gateway gone") : undefined);
      await both;
      expect(gw.log).toEqual(["refresh sent", "refresh answered", "deregister", "deregister"]);
      await sleep(400); // four refresh periods: none may start
      expect(gw.log).toHaveLength(4);
      expect(errors).toHaveLength(fail ? 1 : 0);
      expect(ended).toEqual([reg]);
    });
  }

  it("close() stops it: the answer of the refresh in flight does not re-arm the timer", async () => {
    const gw = fakeGateway();
    const reg = heartbeat(
      service(300),
      gw.refresh,
      gw.remove,
      () => {},
      () => {},
    );
    await waitFor("a refresh", gw.inFlight);
    reg.close();
    gw.release();
    await sleep(400);
    expect(gw.log).toEqual(["refresh sent", "refresh answered"]);
  });

  it("refreshes never overlap: the next one is due ttl/3 after the previous one ended", async () => {
    const gw = fakeGateway();
    const reg = heartbeat(
      service(300),
      gw.refresh,
      gw.remove,
      () => {},
      () => {},
    );
    await waitFor("a refresh", gw.inFlight);
    await sleep(350); // more than three periods with the first still in flight
    expect(gw.log).toEqual(["refresh sent"]);
    gw.release();
    await waitFor("the second refresh", () => gw.log.length === 3);
    const stopped = reg.stop();
    gw.release();
    await stopped;
    expect(gw.log).toEqual(["refresh sent", "refresh answered", "refresh sent", "refresh answered"]);
  });
});

describe("deregister against a gateway with slow refreshes", () => {
  const TTL_MS = 500; // the gateway's minimum: a refresh every ~166 ms
  const IN_FLIGHT_MS = 300; // each refresh is sent this late (a slow link)
  let agent: AgentProcess;
  beforeAll(async () => {
    agent = await startAgentProcess("sk-a1", ["--profile", "local"]);
  });
  afterAll(async () => {
    await agent.stop();
  });

  /** Holds back every RegisterService of `c` by IN_FLIGHT_MS; returns how many were sent so far. */
  function slowRegisters(c: HearsayClient): () => number {
    const stub = (c as unknown as { stub: { registerService: (...a: unknown[]) => unknown } }).stub;
    const send = stub.registerService.bind(stub);
    let calls = 0;
    stub.registerService = (...args: unknown[]) => {
      calls++;
      setTimeout(() => send(...args), IN_FLIGHT_MS);
      return undefined;
    };
    return () => calls;
  }

  async function staysGone(c: HearsayClient, name: string): Promise<void> {
    const end = Date.now() + 2 * TTL_MS;
    while (Date.now() < end) {
      expect(await c.services(name), `${name} is back after its deregister`).toEqual([]);
      await sleep(20);
    }
  }

  for (const how of ["reg.deregister()", "client.deregisterService()"] as const) {
    it(`${how} outlives a refresh in flight`, async () => {
      const name = `ts-race-${how.startsWith("reg") ? "reg" : "client"}`;
      const c = connect({ address: agent.grpc });
      const lister = connect({ address: agent.grpc });
      try {
        const registers = slowRegisters(c);
        for (let i = 0; i < 3; i++) {
          const reg = await c.registerService({ name, port: 9000 + i, ttlMs: TTL_MS });
          const sent = registers();
          await waitFor("a refresh", () => registers() > sent);
          const removed =
            how === "reg.deregister()"
              ? await reg.deregister()
              : await c.deregisterService(name, reg.service.id);
          expect(removed).toBe(true);
          await staysGone(lister, name);
        }
      } finally {
        c.close();
        lister.close();
      }
    });
  }
});
