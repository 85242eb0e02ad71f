import { describe, expect, it } from "vitest";
import { buildAgentConfig, parseConfigText } from "../../src/config/index.js";

describe("config file (YAML)", () => {
  it("reads every setting; values are validated like flags", () => {
    const r = parseConfigText(
      [
        "name: n1",
        "bind: 127.0.0.1:7946",
        "join: [10.0.0.2:7946]",
        "profile: wan",
        "tags: { role: broker }",
        "limits: { maxDigestBytes: 2048 }",
        "tokens:",
        "  - { name: app, token: abcdefghijklmnopqrstuvwxyz, publish: ['demo.*'], subscribe: ['*'] }",
        "tls: { cert: /c.pem, key: /k.pem }",
      ].join("\n"),
      "hearsay.yaml",
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const c = buildAgentConfig(r.value, "h");
    expect(c.ok).toBe(true);
    if (!c.ok) return;
    expect(c.value.nodeName).toBe("n1");
    expect(c.value.join).toEqual(["10.0.0.2:7946"]);
    expect(c.value.limits.maxDigestBytes).toBe(2048);
    expect(c.value.tokens[0]!.publish).toEqual(["demo.*"]);
    expect(c.value.tls).toEqual({ certFile: "/c.pem", keyFile: "/k.pem", clientCaFile: null });
  });

  it.each([
    ["bogus: 1", "unknown keys bogus; known keys: name (node name)"],
    ["[1, 2]", "expected a map of settings"],
    ["a: [", "not valid YAML"],
    ["limits: 5", "limits: expected a map"],
  ])("refuses %j naming the problem", (text, message) => {
    const r = parseConfigText(text, "hearsay.yaml");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(message);
  });

  it.each([
    [{ tokens: "x" }, "tokens: expected a list"],
    [{ tokens: [{ token: "short" }] }, "tokens[0].token: expected at least 16 characters"],
    [{ tokens: [{ token: "abcdefghijklmnopq", publish: "demo.*" }] }, "tokens[0].publish: expected a list"],
    [{ tokens: [{ token: "abcdefghijklmnopq", extra: 1 }] }, "tokens[0]: unknown keys extra"],
    [{ tls: { cert: "/c" } }, "tls: expected {cert: FILE, key: FILE, clientCa?: FILE}"],
  ])("buildAgentConfig refuses %j naming the key", (input, message) => {
    const r = buildAgentConfig(input, "h");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(message);
  });
});
