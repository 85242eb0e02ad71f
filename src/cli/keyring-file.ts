import { randomBytes } from "node:crypto";
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { ParseResult } from "../config/index.js";
import { KEY_BYTES } from "../overlay/index.js";

/**
 * A keyring file is a JSON array of base64 AES-256 keys, primary first (the
 * format Serf uses): ["0JYa...=", "Zm9v...="]. At most MAX_KEYS keys.
 */
const MAX_KEYS = 16;
const MAX_FILE_BYTES = 64 * 1024;

export async function readKeyringFile(path: string): Promise<ParseResult<Uint8Array[]>> {
  let text: string;
  try {
    const buf = await readFile(path);
    if (buf.length > MAX_FILE_BYTES)
      return { ok: false, error: `${path}: larger than ${MAX_FILE_BYTES} bytes` };
    text = buf.toString("utf8");
  } catch (err) {
    return { ok: false, error: `${path}: ${(err as Error).message}` };
  }
  return parseKeyring(text, path);
}

export function parseKeyring(text: string, source: string): ParseResult<Uint8Array[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, error: `${source}: not JSON; expected ["<base64 key>", ...]` };
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || parsed.length > MAX_KEYS) {
    return { ok: false, error: `${source}: expected a JSON array of 1-${MAX_KEYS} base64 keys` };
  }
  const keys: Uint8Array[] = [];
  for (const [i, k] of parsed.entries()) {
    if (typeof k !== "string" || !/^[A-Za-z0-9+/]+={0,2}$/.test(k)) {
      return { ok: false, error: `${source}: key ${i} is not base64 text` };
    }
    const bytes = Buffer.from(k, "base64");
    if (bytes.length !== KEY_BYTES) {
      return {
        ok: false,
        error: `${source}: key ${i} is ${bytes.length} bytes; AES-256 keys are ${KEY_BYTES}`,
      };
    }
    keys.push(new Uint8Array(bytes));
  }
  return { ok: true, value: keys };
}

/** A new random key, base64, for `hearsay keygen`. */
export function generateKey(): string {
  return randomBytes(KEY_BYTES).toString("base64");
}

/**
 * Rewrites a keyring file atomically (a temporary file beside it, then a
 * rename), owner-readable only, so a crash mid-write never leaves half a key.
 */
export async function writeKeyringFile(path: string, keys: Uint8Array[]): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const text = JSON.stringify(keys.map((k) => Buffer.from(k).toString("base64"))) + "\n";
  try {
    await writeFile(tmp, text, { mode: 0o600 });
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => {});
    throw err;
  }
}
