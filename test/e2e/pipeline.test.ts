import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { REPO } from "../support/schema.js";

// The self-reconfiguring pipeline demo (demo/pipeline), unattended: it exits 0
// only when every record ingested before and after each disruption (a broker's
// gateway killed, a second broker started, the first ZooKeeper stopped)
// reached the consumer.
describe("pipeline demo", () => {
  it("rewires itself through each disruption and loses no record", async () => {
    const child = spawn(process.execPath, ["dist/demo/pipeline/run.js", "--count", "300", "--rate", "40"], {
      cwd: REPO,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code, out.slice(-6000)).toBe(0);
    expect(out).toMatch(/SUCCESS: all 300 records/);
    expect(out).toMatch(/processor p1: no broker; pausing/);
    expect(out).toMatch(/processor p1: broker available; resuming/);
    expect(out).toMatch(/consumer c1: all 300 records arrived/);
  }, 420_000);
});
