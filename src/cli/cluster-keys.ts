import { Channel, type Channels } from "../bus/index.js";
import type { Logger } from "../observe/index.js";
import { ClusterKeys, LocalKeyring } from "../keys/index.js";
import type { Keyring, Overlay } from "../overlay/index.js";
import { writeKeyringFile } from "./keyring-file.js";

/**
 * Cluster-wide keyring management over channel 3 of the overlay. With a
 * --keyring-file every change is written back to it, so a restart keeps it.
 */
export function clusterKeys(
  overlay: Overlay,
  channels: Channels,
  keyring: Keyring | undefined,
  keyringFile: string | null | undefined,
  log: Logger,
): ClusterKeys {
  const persist = keyringFile
    ? async (keys: Uint8Array[]) => {
        await writeKeyringFile(keyringFile, keys);
        log.info("keyring file rewritten", { file: keyringFile, keys: keys.length });
      }
    : null;
  return new ClusterKeys(new LocalKeyring(keyring, persist), {
    self: overlay.name,
    members: () => overlay.liveMembers().map((m) => ({ name: m.name, address: m.address })),
    request: (to, bytes, ms, done) => channels.request(Channel.Keys, to, bytes, ms, done),
    onRequest: (fn) => channels.onRequest(Channel.Keys, fn),
  });
}
