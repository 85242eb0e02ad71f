import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planWatch, UsageError, type WatchOpts } from "../../src/cli/internal.js";

const dir = mkdtempSync(join(tmpdir(), "hearsay-watch-flags-"));
const tpl = join(dir, "ok.mustache");
writeFileSync(tpl, "{{hostports}}");
const broken = join(dir, "broken.mustache");
writeFileSync(broken, "{{#instances}}");
const partial = join(dir, "partial.mustache");
writeFileSync(partial, "{{> other}}");
const huge = join(dir, "huge.mustache");
writeFileSync(huge, "x".repeat(1024 * 1024 + 1));

const opts = (o: Partial<WatchOpts>): WatchOpts => ({ agent: "127.0.0.1:1", tag: [], ...o });

/** The usage error planWatch raises for these flags (the CLI prints it and exits 2). */
function refusal(o: Partial<WatchOpts>): string {
  try {
    planWatch(opts(o));
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error("accepted");
}

describe("hearsay watch flags (every bad one is a usage error naming it)", () => {
  it.each<[Partial<WatchOpts>, string]>([
    [{ exec: "true" }, "give exactly one of --service NAME and --members"],
    [{ service: "a", members: true, exec: "true" }, "give exactly one of --service NAME and --members"],
    [{ service: "a" }, "give exactly one of --exec CMD and --template FILE"],
    [{ service: "a", exec: "true", template: tpl }, "give exactly one of --exec CMD and --template FILE"],
    [{ service: "a", template: tpl }, "--template needs --out FILE"],
    [{ service: "a", exec: "true", then: "x" }, "--out and --then go with --template"],
    [{ service: "a", exec: "true", out: "x" }, "--out and --then go with --template"],
    [{ service: "a", exec: " " }, "--exec: empty command"],
    [{ service: "a", template: tpl, out: join(dir, "o"), then: "" }, "--then: empty command"],
    [
      { service: "a", template: join(dir, "missing"), out: "x" },
      `--template ${join(dir, "missing")}: ENOENT`,
    ],
    [
      { service: "a", template: broken, out: "x" },
      `--template ${broken}: Unclosed section "instances" at 14`,
    ],
    [
      { service: "a", template: partial, out: "x" },
      `--template ${partial}: partials are not supported: {{> other}}`,
    ],
    [
      { service: "a", template: huge, out: "x" },
      `--template ${huge}: 1048577 bytes, over the limit of 1048576`,
    ],
    [{ service: "a", template: tpl, out: "" }, "--out: empty path"],
    [
      { service: "a", template: tpl, out: "/nonexistent-dir/x" },
      "--out /nonexistent-dir/x: directory /nonexistent-dir does not exist",
    ],
    [{ service: "a", template: tpl, out: dir }, `--out ${dir}: is a directory`],
    [
      { service: "a", exec: "true", quietMs: "soon" },
      '--quiet-ms "soon": expected a whole number from 0 to 86400000',
    ],
    [
      { service: "a", exec: "true", quietMs: "-5" },
      '--quiet-ms "-5": expected a whole number from 0 to 86400000',
    ],
    [{ service: "a", exec: "true", quietMs: "1.5" }, '--quiet-ms "1.5": expected a whole number'],
    [
      { service: "a", exec: "true", quietMs: "900", maxWaitMs: "100" },
      "--max-wait-ms 100: must be at least --quiet-ms (900)",
    ],
    [{ service: "a", exec: "true", maxWaitMs: "1e9" }, '--max-wait-ms "1e9": expected a whole number'],
    [
      { service: "a", exec: "true", execTimeoutMs: "0" },
      '--exec-timeout-ms "0": expected a whole number from 1 to 86400000',
    ],
    [{ members: true, tag: ["role"], exec: "true" }, '--tag "role": expected key=value'],
    [{ members: true, tag: ["=x"], exec: "true" }, '--tag "=x": expected key=value'],
    [{ members: true, tag: ["a=1", "a=2"], exec: "true" }, '--tag "a=2": key "a" given twice'],
    [{ service: "no such", exec: "true" }, '--service "no such": expected 1-128 of A-Z a-z 0-9 . _ -'],
    [{ service: "x".repeat(129), exec: "true" }, "--service"],
  ])("%j -> %s", (o, message) => {
    expect(refusal(o)).toContain(message);
  });

  it("good flags: defaults, a max wait raised to the quiet period, tags", () => {
    const p = planWatch(opts({ service: "kafka", exec: "true" }));
    expect(p).toMatchObject({ quietMs: 500, maxWaitMs: 5_000, execTimeoutMs: 60_000, once: false });
    expect(planWatch(opts({ members: true, exec: "true", quietMs: "8000" })).maxWaitMs).toBe(8_000);
    const t = planWatch(
      opts({ members: true, tag: ["role=broker", "dc=a=b"], template: tpl, out: join(dir, "o") }),
    );
    expect(t.source).toEqual({ kind: "members", tags: { role: "broker", dc: "a=b" } });
    expect(t.action).toMatchObject({ kind: "template", outPath: join(dir, "o"), then: null });
  });
});
