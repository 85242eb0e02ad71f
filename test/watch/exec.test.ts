import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { describeResult, runCommand, writeFileAtomic } from "../../src/watch/index.js";

describe("runCommand (real /bin/sh)", () => {
  it("passes env and stdin, and reports the exit code", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hearsay-exec-"));
    const out = join(dir, "out");
    const r = await runCommand({
      command: `printf '%s|' "$HEARSAY_X" > ${out}; cat >> ${out}; exit 3`,
      env: { HEARSAY_X: "a b" },
      stdin: '{"n":1}\n',
      timeoutMs: 10_000,
    });
    expect(r.kind).toBe("exited");
    expect(describeResult(r)).toMatch(/^exit code 3 after \d+ ms$/);
    expect(readFileSync(out, "utf8")).toBe('a b|{"n":1}\n');
  });

  it("a command that ignores a large stdin is fine", async () => {
    const r = await runCommand({ command: "true", env: {}, stdin: "x".repeat(1 << 20), timeoutMs: 10_000 });
    expect(r).toMatchObject({ kind: "exited", code: 0 });
  });

  it("a timeout kills the whole process group, SIGKILL when SIGTERM is ignored", async () => {
    const started = Date.now();
    const r = await runCommand({
      command: "trap '' TERM; sleep 30 & sleep 30; wait",
      env: {},
      stdin: "",
      timeoutMs: 200,
      killGraceMs: 300,
    });
    expect(r.kind).toBe("timed-out");
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("an abort signal ends a running command", async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const r = await runCommand({ command: "sleep 30", env: {}, stdin: "", timeoutMs: 60_000 }, ac.signal);
    expect(r).toMatchObject({ kind: "signaled", signal: "SIGTERM" });
  });
});

describe("writeFileAtomic", () => {
  it("replaces the file by rename (new inode), keeps its mode, leaves no temp file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hearsay-atomic-"));
    const path = join(dir, "zk.properties");
    writeFileSync(path, "old\n");
    chmodSync(path, 0o600);
    const before = statSync(path);
    await writeFileAtomic(path, "new\n");
    const after = statSync(path);
    expect(readFileSync(path, "utf8")).toBe("new\n");
    expect(after.ino).not.toBe(before.ino);
    expect(after.mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(["zk.properties"]);
  });

  it("fails cleanly into a missing directory", async () => {
    await expect(writeFileAtomic("/nonexistent-hearsay-dir/x", "y")).rejects.toThrow(/ENOENT/);
  });
});
