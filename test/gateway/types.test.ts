import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  GatewayClient,
  type ListDigestTypesResponse,
  type RegisterDigestTypeRequest,
  type RegisterDigestTypeResponse,
} from "../../src/gen/proto/hearsay/v1/gateway.js";
import type { DigestType } from "../../src/gen/proto/hearsay/v1/types.js";
import { type AgentProcess, startAgentProcess } from "../support/agent-process.js";
import { REPO } from "../support/schema.js";
import { thriftClient } from "../support/thrift-client.js";

const greetingProto = readFileSync(join(REPO, "test/fixtures/greeting.proto"), "utf8");
const readingThrift = readFileSync(join(REPO, "test/fixtures/reading.thrift"), "utf8");

let a1: AgentProcess;
let a2: AgentProcess;
let s1: GatewayClient;
let s2: GatewayClient;

beforeAll(async () => {
  a1 = await startAgentProcess("t-a1", ["--profile", "local"]);
  a2 = await startAgentProcess("t-a2", ["--profile", "local", "--join", a1.gossip]);
  s1 = new GatewayClient(a1.grpc, grpc.credentials.createInsecure());
  s2 = new GatewayClient(a2.grpc, grpc.credentials.createInsecure());
});
afterAll(async () => {
  s1.close();
  s2.close();
  await Promise.all([a1.stop(), a2.stop()]);
});

type Done<T> = (e: grpc.ServiceError | null, r: T) => void;
const promised = <T>(fn: (done: Done<T>) => void) =>
  new Promise<T>((resolve, reject) => fn((e, r) => (e ? reject(e) : resolve(r))));

const register = (s: GatewayClient, req: Partial<RegisterDigestTypeRequest>) =>
  promised<RegisterDigestTypeResponse>((done) =>
    s.registerDigestType(
      { overlay: "", name: "", schema: undefined, skipPayloadValidation: false, description: "", ...req },
      done,
    ),
  );
const getType = (s: GatewayClient, name: string) =>
  promised<DigestType>((done) => s.getDigestType({ overlay: "", name }, done));
const listTypes = (s: GatewayClient, namePrefix: string) =>
  promised<ListDigestTypesResponse>((done) => s.listDigestTypes({ overlay: "", namePrefix }, done));

const protoSource = (content: string): RegisterDigestTypeRequest["schema"] => ({
  source: { $case: "protoSource", protoSource: { files: [{ path: "demo/greeting.proto", content }] } },
});

async function eventually<T>(fn: () => Promise<T>, ms: number): Promise<T> {
  const start = Date.now();
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() - start > ms) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe("digest types over gRPC", () => {
  it("registers from .proto source and every gateway knows it", async () => {
    const r = await register(s1, {
      name: "demo.Greeting",
      schema: protoSource(greetingProto),
      description: "hello",
    });
    expect(r.created).toBe(true);
    expect(r.type!.version).toBe(1n);
    expect(r.type!.registeredBy).toBe("t-a1");
    expect(r.type!.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    const again = await register(s1, {
      name: "demo.Greeting",
      schema: protoSource(greetingProto),
      description: "hello",
    });
    expect(again.created).toBe(false);
    const remote = await eventually(() => getType(s2, "demo.Greeting"), 5_000);
    expect(remote.fingerprint).toBe(r.type!.fingerprint);
    expect(remote.description).toBe("hello");
    const list = await listTypes(s2, "demo.");
    expect(list.types.map((t) => t.name)).toContain("demo.Greeting");
  });

  it("accepts a compatible change and refuses an incompatible one naming the field", async () => {
    await register(s1, { name: "demo.Greeting", schema: protoSource(greetingProto), description: "hello" });
    const added = greetingProto.replace(
      "repeated string tags = 3;",
      "repeated string tags = 3;\n  string lang = 4;",
    );
    const v2 = await register(s1, {
      name: "demo.Greeting",
      schema: protoSource(added),
      description: "hello",
    });
    expect(v2.type!.version).toBe(2n);
    const changed = added.replace("int64 sent_at_ms = 2;", "string sent_at_ms = 2;");
    const err = await register(s1, { name: "demo.Greeting", schema: protoSource(changed) }).catch((e) => e);
    expect(err.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(err.details).toMatch(/sent_at_ms/);
  });

  it("registers from a FileDescriptorSet written by protoc", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hearsay-ds-"));
    writeFileSync(
      join(dir, "ping.proto"),
      'syntax = "proto3"; package demo2; message Ping { uint64 n = 1; }',
    );
    const out = join(dir, "set.pb");
    execFileSync("protoc", [`-I${dir}`, "--include_imports", `--descriptor_set_out=${out}`, "ping.proto"]);
    const r = await register(s2, {
      name: "demo2.Ping",
      schema: { source: { $case: "protoDescriptorSet", protoDescriptorSet: readFileSync(out) } },
    });
    expect(r.created).toBe(true);
    expect(r.type!.format).toBe(2);
    const back = await eventually(() => getType(s1, "demo2.Ping"), 5_000);
    expect(back.schema?.source?.$case).toBe("protoDescriptorSet");
  });

  it.each([
    [{ name: "", schema: protoSource(greetingProto) }, grpc.status.INVALID_ARGUMENT, /^name: required/],
    [{ name: "demo.X" }, grpc.status.INVALID_ARGUMENT, /^schema: required/],
    [{ name: "demo.X", schema: protoSource("message {{{") }, grpc.status.INVALID_ARGUMENT, /./],
    [{ name: "demo.Missing", schema: protoSource(greetingProto) }, grpc.status.NOT_FOUND, /demo.Missing/],
    [
      {
        name: "demo.X",
        schema: { source: { $case: "protoDescriptorSet", protoDescriptorSet: Buffer.from([1, 2, 3, 4]) } },
      },
      grpc.status.INVALID_ARGUMENT,
      /./,
    ],
    [
      { name: "demo.X", schema: { source: { $case: "protoSource", protoSource: { files: [] } } } },
      grpc.status.INVALID_ARGUMENT,
      /files/,
    ],
    [{ name: "bad name!", schema: protoSource(greetingProto) }, grpc.status.INVALID_ARGUMENT, /name/],
  ] as Array<[Partial<RegisterDigestTypeRequest>, grpc.status, RegExp]>)(
    "refuses bad registration %# with the right code",
    async (req, code, message) => {
      const err = await register(s1, req).catch((e) => e);
      expect(err.code).toBe(code);
      expect(err.details).toMatch(message);
    },
  );

  it("answers NOT_FOUND for an unknown type", async () => {
    const err = await getType(s1, "nope.Nope").catch((e) => e);
    expect(err.code).toBe(grpc.status.NOT_FOUND);
  });
});

describe("digest types over Thrift", () => {
  it("registers a Thrift IDL struct and reads it back on another gateway", async () => {
    const t1 = thriftClient(a1.thrift!);
    const r = (await t1.client.registerDigestType!("", {
      overlay: "",
      name: "Reading",
      schema: { thriftIdl: [{ path: "reading.thrift", content: readingThrift }] },
      skipPayloadValidation: false,
      description: "",
    })) as { created: boolean; type: { name: string; fingerprint: string } };
    t1.close();
    expect(r.created).toBe(true);
    const t2 = thriftClient(a2.thrift!);
    const got = (await eventually(() => t2.client.getDigestType!("", "", r.type.name), 5_000)) as {
      fingerprint: string;
    };
    expect(got.fingerprint).toBe(r.type.fingerprint);
    await expect(t2.client.getDigestType!("", "", "nope.Nope")).rejects.toMatchObject({ code: 5 });
    await expect(
      t2.client.registerDigestType!("", {
        overlay: "",
        name: "X",
        schema: {},
        skipPayloadValidation: false,
        description: "",
      }),
    ).rejects.toMatchObject({ code: 3, message: expect.stringContaining("schema") });
    t2.close();
  });
});
