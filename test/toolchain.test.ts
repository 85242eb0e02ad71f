import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

// npm 11 runs no dependency install scripts unless allowed (package.json "allowScripts"); we deny them.
// These checks prove nothing we rely on needed them.
describe("toolchain without install scripts", () => {
  it("msgpackr's native accelerator loads from its prebuilt package", () => {
    const require = createRequire(import.meta.url);
    const extract = require("msgpackr-extract") as { extractStrings?: unknown };
    expect(typeof extract.extractStrings).toBe("function");
  });

  it("Node.js satisfies the engines range (>= 20.19)", () => {
    const [major, minor] = process.versions.node.split(".").map(Number) as [number, number];
    expect(major > 20 || (major === 20 && minor >= 19)).toBe(true);
  });
});
