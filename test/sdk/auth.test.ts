import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type DigestDelivery, PermissionDenied, Unauthenticated } from "../../src/sdk/index.js";
import { type AgentProcess, startAgentProcess } from "../support/agent-process.js";
import { makeTestPki, pem, type TestPki } from "../support/certs.js";
import { SDK_PROTO, take } from "./fixtures.js";

// Tokens with allow-lists, over TLS with a client certificate (mTLS).

const PUB = "sdk-publisher-token-0123456789";
const SUB = "sdk-subscriber-token-0123456789";
let pki: TestPki;
let gw: AgentProcess;

beforeAll(async () => {
  pki = makeTestPki();
  const config = join(pki.dir, "hearsay-sdk.yaml");
  writeFileSync(
    config,
    [
      "profile: local",
      "tokens:",
      `  - { name: pub, token: ${PUB}, publish: ["sdk.*"], subscribe: [] }`,
      `  - { name: sub, token: ${SUB}, publish: [], subscribe: ["sdk.Greeting"] }`,
      "tls:",
      `  cert: ${pki.serverCert}`,
      `  key: ${pki.serverKey}`,
      `  clientCa: ${pki.caCert}`,
    ].join("\n"),
  );
  gw = await startAgentProcess("sdk-auth", ["--config", config]);
});
afterAll(() => gw?.stop());

const tls = () => ({ ca: pem(pki.caCert), cert: pem(pki.clientCert), key: pem(pki.clientKey) });

describe("tokens and TLS", () => {
  it("publishes and subscribes over mTLS with the tokens' allow-lists", async () => {
    const pub = connect({ address: gw.grpc, token: PUB, tls: tls() });
    const sub = connect({ address: gw.grpc, token: SUB, tls: tls() });
    await pub.registerTypeFromSource("sdk.Greeting", SDK_PROTO, "proto");
    await pub.registerTypeFromSource("sdk.Secret", SDK_PROTO.replace("Greeting", "Secret"), "proto");
    const s = sub.subscribe("sdk.Greeting", { includeJson: true });
    await s.started;
    await pub.publish("sdk.Greeting", { json: { text: "over tls" } });
    const [d] = (await take(s, 1, 10_000)) as DigestDelivery[];
    expect(JSON.parse(d!.json!)).toMatchObject({ text: "over tls" });
    s.close();

    // Not allowed: the iterator throws the typed error instead of retrying.
    const denied = sub.subscribe("sdk.Secret");
    await expect(take(denied, 1, 5_000)).rejects.toThrow(PermissionDenied);
    await expect(sub.publish("sdk.Greeting", { json: {} })).rejects.toThrow(PermissionDenied);
    const stranger = connect({ address: gw.grpc, token: "wrong-token-0123456789", tls: tls() });
    await expect(stranger.info()).rejects.toThrow(Unauthenticated);
    await expect(take(stranger.subscribe("sdk.Greeting"), 1, 5_000)).rejects.toThrow(Unauthenticated);
    for (const c of [pub, sub, stranger]) c.close();
  });
});
