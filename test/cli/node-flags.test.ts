import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { GATEWAY_NODE_FLAGS, missingNodeFlags } from "../../src/cli/internal.js";

describe("gateway node flags", () => {
  it("bin/hearsay.js passes exactly GATEWAY_NODE_FLAGS on its shebang line", () => {
    const first = readFileSync(new URL("../../bin/hearsay.js", import.meta.url), "utf8").split("\n")[0];
    expect(first).toBe(`#!/usr/bin/env -S node ${GATEWAY_NODE_FLAGS.join(" ")}`);
  });

  it("names the flags a process was started without", () => {
    expect(missingNodeFlags([])).toEqual([...GATEWAY_NODE_FLAGS]);
    expect(missingNodeFlags(["--inspect", ...GATEWAY_NODE_FLAGS])).toEqual([]);
  });

  it("the benchmarks of the other languages start gateways with the same flags", () => {
    for (const f of [
      "bench/sdk-java/src/dev/hearsay/bench/Gateways.java",
      "bench/sdk-python/agents.py",
      "bench/sdk-ruby/agents.rb",
    ]) {
      const text = readFileSync(new URL(`../../${f}`, import.meta.url), "utf8");
      for (const flag of GATEWAY_NODE_FLAGS) expect(text, f).toContain(`"${flag}"`);
    }
  });
});
