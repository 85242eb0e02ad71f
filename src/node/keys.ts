import type { Channels } from "../bus/index.js";
import { ClusterKeys, KEYS_CHANNEL, LocalKeyring, type PersistKeys } from "../keys/index.js";
import type { Keyring, Overlay } from "../overlay/index.js";

/**
 * Cluster-wide keyring management over the keys channel (3) of the overlay:
 * every member answers key operations on the keyring the overlay encrypts
 * with. `persist` (the agent: rewrite the keyring file) runs after each change.
 */
export function clusterKeys(
  overlay: Overlay,
  channels: Channels,
  keyring: Keyring | undefined,
  persist: PersistKeys | null,
): ClusterKeys {
  const port = channels.claim(KEYS_CHANNEL, "keys");
  return new ClusterKeys(new LocalKeyring(keyring, persist), {
    self: overlay.name,
    members: () => overlay.liveMembers().map((m) => ({ name: m.name, address: m.address })),
    request: port.request,
    onRequest: port.onRequest,
  });
}
