import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GatewayService } from "../src/gen/proto/hearsay/v1/gateway.js";
import { protoRpcs, REPO, schemaHash, thriftMethods } from "./support/schema.js";

// Where `make gen` leaves each language's stubs and their schema stamp.
const STAMPS: Record<string, string> = {
  typescript: "src/gen/.schema-sha256",
  python: "clients/python/src/hearsay/_gen/.schema-sha256",
  java: "clients/java/target/generated-sources/.schema-sha256",
  ruby: "clients/ruby/lib/hearsay/gen/.schema-sha256",
};

describe("generated code", () => {
  const current = schemaHash();

  it.each(Object.entries(STAMPS))("%s stubs exist and match proto/ and thrift/", (lang, stamp) => {
    const path = join(REPO, stamp);
    expect(existsSync(path), `${lang}: ${stamp} missing: run make gen`).toBe(true);
    expect(readFileSync(path, "utf8").trim(), `${lang}: generated code is stale: run make gen`).toBe(current);
  });

  it("the schema lists every operation DESIGN.md names", () => {
    expect(protoRpcs().sort()).toEqual(
      [
        "Info",
        "RegisterDigestType",
        "GetDigestType",
        "ListDigestTypes",
        "Publish",
        "PublishStream",
        "Subscribe",
        "ListMembers",
        "WatchMembers",
        "RegisterService",
        "DeregisterService",
        "ListServices",
        "WatchServices",
      ].sort(),
    );
  });

  it("TypeScript gRPC stubs carry every rpc of gateway.proto", () => {
    const generated = Object.values(GatewayService).map((d) => d.path.split("/").pop());
    expect(generated.sort()).toEqual(protoRpcs().sort());
  });

  it("TypeScript Thrift stubs carry every method of hearsay.thrift", () => {
    const require = createRequire(import.meta.url);
    const gw = require("../src/gen/thrift/Gateway.js") as { Client: { prototype: object } };
    const methods = thriftMethods();
    expect(methods.length).toBeGreaterThan(10);
    for (const m of methods)
      expect(typeof (gw.Client.prototype as Record<string, unknown>)[m]).toBe("function");
  });
});
