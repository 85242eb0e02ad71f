import type { Channels } from "../bus/index.js";
import type { Logger } from "../observe/index.js";
import { ClusterKeys, KEYS_CHANNEL, LocalKeyring } from "../keys/index.js";
import type { Keyring, Overlay } from "../overlay/index.js";
import { writeKeyringFile } from "./keyring-file.js";

/**
 * Cluster-wide keyring management over the keys channel (3) of the overlay. With a
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
  const port = channels.claim(KEYS_CHANNEL, "keys");
  return new ClusterKeys(new LocalKeyring(keyring, persist), {
    self: overlay.name,
    members: () => overlay.liveMembers().map((m) => ({ name: m.name, address: m.address })),
    request: port.request,
    onRequest: port.onRequest,
  });
}
