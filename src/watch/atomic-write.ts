import { randomBytes } from "node:crypto";
import { open, readFile, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/**
 * Replaces `path` with `text` atomically: a temp file in the same directory
 * (same file system), fsync'd, given the old file's mode, then renamed over
 * it. Readers see the old or the new file, never a half-written one.
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  // An existing file keeps its mode; a new one gets 0644 less the umask.
  const mode = await stat(path).then(
    (s) => s.mode & 0o7777,
    () => null,
  );
  const fh = await open(tmp, "wx", mode ?? 0o644);
  try {
    await fh.writeFile(text);
    if (mode !== null) await fh.chmod(mode);
    await fh.sync();
    await fh.close();
    await rename(tmp, path);
  } catch (err) {
    await fh.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw err;
  }
}

/** The file's text, or null when it does not exist. */
export async function readTextOrNull(path: string): Promise<string | null> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}
