import { createServer, type Server } from "node:net";
import { describe, expect, it } from "vitest";
import { buildAgentConfig } from "../../src/config/index.js";
import { nullLogger, type Logger } from "../../src/observe/index.js";
import { NetTransport } from "../../src/transport/index.js";
import { startAgent, StartupError, Teardown } from "../../src/cli/internal.js";

const listen = (port: number) =>
  new Promise<Server>((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(port, "127.0.0.1", () => resolve(s));
  });
const close = (s: Server) => new Promise<void>((resolve) => s.close(() => resolve()));
const portOf = (s: Server) => (s.address() as { port: number }).port;

describe("Teardown", () => {
  it("closes last-added first, once", async () => {
    const t = new Teardown(nullLogger);
    const closed: string[] = [];
    t.add("a", () => closed.push("a"));
    t.add("b", async () => {
      await Promise.resolve();
      closed.push("b");
    });
    t.add(
      "c",
      () => closed.push("c"),
      () => closed.push("c aborted"),
    );
    await t.stop();
    await t.stop();
    expect(closed).toEqual(["c", "b", "a"]);
  });

  it("after a failed start runs every abort, logging the ones that fail", async () => {
    const warned: unknown[] = [];
    const log: Logger = { ...nullLogger, warn: (_m, fields) => void warned.push(fields) };
    const t = new Teardown(log);
    const closed: string[] = [];
    t.add("a", () => closed.push("a"));
    t.add("b", () => {
      throw new Error("boom");
    });
    t.add(
      "c",
      () => closed.push("c stopped"),
      () => closed.push("c"),
    );
    await t.abort();
    expect(closed).toEqual(["c", "a"]);
    expect(warned).toEqual([{ part: "b", error: "Error: boom" }]);
  });
});

describe("a failed agent start-up", () => {
  it("closes the gossip socket and the gRPC port it had opened when the Thrift port is taken", async () => {
    const taken = await listen(0);
    const free = await Promise.all([listen(0), listen(0)]);
    const [gossip, grpc] = free.map(portOf) as [number, number];
    await Promise.all(free.map(close));
    const built = buildAgentConfig(
      {
        nodeName: "teardown-1",
        profile: "local",
        bind: `127.0.0.1:${gossip}`,
        grpc: `127.0.0.1:${grpc}`,
        thrift: `127.0.0.1:${portOf(taken)}`,
      },
      "box",
    );
    if (!built.ok) throw new Error(built.error);
    const started = startAgent(built.value, nullLogger);
    await expect(started).rejects.toBeInstanceOf(StartupError);
    await expect(started).rejects.toThrow(/^client API listener: /);
    // Both ports are free again.
    const t = await NetTransport.listen({ host: "127.0.0.1", port: gossip });
    t.close();
    await close(await listen(grpc));
    await close(taken);
  });
});
