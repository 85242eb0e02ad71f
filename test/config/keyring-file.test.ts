import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateKey, parseKeyring, readKeyringFile } from "../../src/cli/internal.js";

describe("keyring file", () => {
  it("reads keys, primary first", async () => {
    const [k1, k2] = [generateKey(), generateKey()];
    const dir = mkdtempSync(join(tmpdir(), "hearsay-keys-"));
    writeFileSync(join(dir, "keys.json"), JSON.stringify([k1, k2]));
    const r = await readKeyringFile(join(dir, "keys.json"));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.map((k) => Buffer.from(k).toString("base64"))).toEqual([k1, k2]);
  });

  it.each([
    ["not json", "not JSON"],
    ["{}", "expected a JSON array"],
    ["[]", "expected a JSON array"],
    ['["!!!"]', "key 0 is not base64"],
    ['["AAAA"]', "key 0 is 3 bytes"],
    [JSON.stringify(Array.from({ length: 17 }, () => generateKey())), "1-16 base64 keys"],
    ["[1]", "key 0 is not base64"],
  ])("refuses %s naming the problem", (text, message) => {
    const r = parseKeyring(text, "keys.json");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(message);
  });

  it("names a missing file", async () => {
    const r = await readKeyringFile("/nonexistent/keys.json");
    expect(!r.ok && r.error).toContain("/nonexistent/keys.json");
  });
});
