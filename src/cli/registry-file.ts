import { readFileSync } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pack, unpack } from "msgpackr";
import type { Logger } from "../observe/index.js";
import { decodeSync, encodeSync, type Registry } from "../registry/index.js";

const FILE = "types.bin";

/**
 * Keeps the registry in the data dir (the same encoding peers sync with), so
 * a restarted gateway knows its types before any peer answers. Entries are
 * re-merged on load: each schema compiles again, nothing is trusted blindly.
 */
export function persistRegistry(registry: Registry, dir: string, log: Logger): () => Promise<void> {
  try {
    const bytes = readFileSync(join(dir, FILE));
    const d = decodeSync(unpack(bytes) as Uint8Array);
    if (d.ok && d.msg.t === "push") for (const e of d.msg.items) registry.merge(e);
    else log.warn("data dir: ignoring an unreadable types file", { file: join(dir, FILE) });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") {
      log.warn("data dir: ignoring an unreadable types file", { file: join(dir, FILE), error: String(err) });
    }
  }
  let queued: NodeJS.Immediate | undefined;
  let writing = Promise.resolve();
  const save = () => {
    writing = writing.then(async () => {
      await mkdir(dir, { recursive: true });
      const tmp = join(dir, `${FILE}.tmp`);
      await writeFile(tmp, pack(encodeSync({ t: "push", items: registry.list() })));
      await rename(tmp, join(dir, FILE));
    });
    return writing.catch((err: Error) => log.warn("data dir: could not save types", { error: err.message }));
  };
  // Saved on the next turn of the event loop: a burst of changes (a sync bringing many
  // types) is one write, and a gateway killed right after answering a registration
  // has almost certainly written it.
  const off = registry.onChange(() => {
    if (queued) return;
    queued = setImmediate(() => {
      queued = undefined;
      void save();
    });
  });
  return async () => {
    off();
    if (queued) clearImmediate(queued);
    await save();
  };
}
