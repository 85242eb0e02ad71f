import { writeFileSync } from "node:fs";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  connect,
  fromGrpcError,
  PermissionDenied,
  Unauthenticated,
  Unavailable,
} from "../../src/sdk/index.js";
import { GatewayClient } from "../../src/gen/proto/hearsay/v1/gateway.js";
import { type AgentProcess, startAgentProcess } from "../support/agent-process.js";
import { makeTestPki, pem, type TestPki } from "../support/certs.js";
import { thriftClient } from "../support/thrift-client.js";

const PUB = "publisher-token-0123456789";
const SUB = "subscriber-token-0123456789";
const greeting = 'syntax = "proto3"; package demo; message Greeting { string text = 1; }';

let pki: TestPki;
let open: AgentProcess;
let guarded: AgentProcess;

beforeAll(async () => {
  pki = makeTestPki();
  const config = join(pki.dir, "hearsay.yaml");
  writeFileSync(
    config,
    [
      "profile: local",
      "tokens:",
      `  - { name: pub, token: ${PUB}, publish: ["demo.*"], subscribe: [] }`,
      `  - { name: sub, token: ${SUB}, publish: [], subscribe: ["demo.*"] }`,
      "tls:",
      `  cert: ${pki.serverCert}`,
      `  key: ${pki.serverKey}`,
      `  clientCa: ${pki.caCert}`,
    ].join("\n"),
  );
  guarded = await startAgentProcess("sec-guarded", ["--config", config]);
  open = await startAgentProcess("sec-open", ["--profile", "local"]);
});
afterAll(async () => {
  await Promise.all([open.stop(), guarded.stop()]);
});

const tls = (cert = pki.clientCert, key = pki.clientKey) => ({
  ca: pem(pki.caCert),
  cert: pem(cert),
  key: pem(key),
});

function rawRegister(
  address: string,
  creds: grpc.ChannelCredentials,
  token?: string,
): Promise<grpc.ServiceError | null> {
  const stub = new GatewayClient(address, creds);
  const md = new grpc.Metadata();
  if (token) md.set("authorization", `Bearer ${token}`);
  return new Promise((resolve) =>
    stub.registerDigestType(
      {
        overlay: "",
        name: "demo.Greeting",
        schema: {
          source: { $case: "protoSource", protoSource: { files: [{ path: "g.proto", content: greeting }] } },
        },
        skipPayloadValidation: false,
        description: "",
      },
      md,
      { deadline: Date.now() + 5_000 },
      (e) => {
        stub.close();
        resolve(e);
      },
    ),
  );
}

describe("tokens and TLS", () => {
  it("warns at start-up when no token is configured", () => {
    expect(open.lines.some((l) => l.includes("no client tokens configured"))).toBe(true);
    expect(guarded.lines.some((l) => l.includes("no client tokens configured"))).toBe(false);
  });

  it("refuses a missing or wrong token with UNAUTHENTICATED", async () => {
    const none = connect({ address: guarded.grpc, tls: tls() });
    await expect(none.info()).rejects.toThrow(Unauthenticated);
    await expect(none.info()).rejects.toThrow(/missing token/);
    none.close();
    const wrong = connect({ address: guarded.grpc, tls: tls(), token: "not-a-real-token-000000" });
    await expect(wrong.info()).rejects.toThrow(/unknown token/);
    wrong.close();
    const right = connect({ address: guarded.grpc, tls: tls(), token: SUB });
    expect((await right.info()).nodeName).toBe("sec-guarded");
    right.close();
  });

  it("allows only the types a token is allowed, per action", async () => {
    const creds = grpc.credentials.createSsl(pem(pki.caCert), pem(pki.clientKey), pem(pki.clientCert));
    const denied = await rawRegister(guarded.grpc, creds, SUB);
    expect(denied?.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(denied?.details).toMatch(/token "sub" may not publish digest type "demo.Greeting"/);
    expect(fromGrpcError(denied)).toBeInstanceOf(PermissionDenied);
    expect(await rawRegister(guarded.grpc, creds, PUB)).toBe(null);
  });

  it("refuses plaintext and unknown client certificates on the TLS port (mTLS)", async () => {
    const plain = connect({ address: guarded.grpc, token: SUB, callTimeoutMs: 3_000 });
    await expect(plain.info()).rejects.toThrow(Unavailable);
    plain.close();
    const noCert = connect({
      address: guarded.grpc,
      token: SUB,
      tls: { ca: pem(pki.caCert) },
      callTimeoutMs: 3_000,
    });
    await expect(noCert.info()).rejects.toThrow(Unavailable);
    noCert.close();
    const rogue = connect({
      address: guarded.grpc,
      token: SUB,
      tls: tls(pki.rogueCert, pki.rogueKey),
      callTimeoutMs: 3_000,
    });
    await expect(rogue.info()).rejects.toThrow(Unavailable);
    rogue.close();
  });

  it("checks the Thrift token argument the same way", async () => {
    const t = thriftClient(guarded.thrift ?? "");
    await expect(t.client.info!("", "")).rejects.toMatchObject({ code: 16 });
    await expect(t.client.info!("wrong-token-000000000", "")).rejects.toMatchObject({ code: 16 });
    expect(((await t.client.info!(SUB, "")) as { nodeName: string }).nodeName).toBe("sec-guarded");
    t.close();
  });
});
