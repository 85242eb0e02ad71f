import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** What an agent keeps in its data dir between runs. */
export interface NodeRecord {
  name: string;
  /** Highest incarnation this node has used; a restart starts above it. */
  incarnation: number;
}

const FILE = "node.json";

/** Reads the previous run's record; null when there is none (first start). Errors name the file. */
export async function readNodeRecord(
  dir: string,
): Promise<{ ok: true; value: NodeRecord | null } | { ok: false; error: string }> {
  const path = join(dir, FILE);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { ok: true, value: null };
    return { ok: false, error: `${path}: ${(err as Error).message}` };
  }
  try {
    const r = JSON.parse(text) as Partial<NodeRecord>;
    if (typeof r.name !== "string" || !Number.isSafeInteger(r.incarnation) || (r.incarnation as number) < 0) {
      return { ok: false, error: `${path}: expected {"name": string, "incarnation": integer >= 0}` };
    }
    return { ok: true, value: { name: r.name, incarnation: r.incarnation as number } };
  } catch {
    return { ok: false, error: `${path}: not JSON` };
  }
}

/** Writes atomically (temp file + rename), so a crash never leaves half a record. */
export async function writeNodeRecord(dir: string, record: NodeRecord): Promise<void> {
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `${FILE}.tmp`);
  await writeFile(tmp, JSON.stringify(record) + "\n");
  await rename(tmp, join(dir, FILE));
}
