import { mkdir, open, rename, stat } from "node:fs/promises";
import { join } from "node:path";
import type { ParseResult } from "../config/index.js";
import {
  decodePeerSnapshot,
  encodePeerSnapshot,
  PEER_SNAPSHOT_FILE,
  type PeerRecord,
  type PeerSnapshot,
} from "./peer-snapshot.js";

/** The previous run's peers; [] when there is no snapshot. Errors name the file. */
export async function readPeerSnapshot(
  dir: string,
  overlay: string,
  maxPeers: number,
  maxFileBytes: number,
): Promise<ParseResult<PeerRecord[]>> {
  const path = join(dir, PEER_SNAPSHOT_FILE);
  try {
    const s = await stat(path);
    if (s.size > maxFileBytes) return { ok: false, error: `${path}: larger than ${maxFileBytes} bytes` };
    const f = await open(path, "r");
    try {
      const buf = Buffer.alloc(Math.min(s.size, maxFileBytes));
      const { bytesRead } = await f.read(buf, 0, buf.length, 0);
      const r = decodePeerSnapshot(buf.subarray(0, bytesRead).toString("utf8"), overlay, maxPeers);
      return r.ok ? r : { ok: false, error: `${path}: ${r.error}` };
    } finally {
      await f.close();
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { ok: true, value: [] };
    return { ok: false, error: `${path}: ${(err as Error).message}` };
  }
}

/** Writes atomically: a temp file, flushed to disk, renamed over the old one. */
export async function writePeerSnapshot(dir: string, snapshot: PeerSnapshot): Promise<void> {
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `${PEER_SNAPSHOT_FILE}.tmp`);
  const f = await open(tmp, "w");
  try {
    await f.writeFile(encodePeerSnapshot(snapshot));
    await f.sync();
  } finally {
    await f.close();
  }
  await rename(tmp, join(dir, PEER_SNAPSHOT_FILE));
}
