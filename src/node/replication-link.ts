import type { ChannelPort } from "../bus/index.js";
import type { Overlay } from "../overlay/index.js";
import type { ReplicationLink } from "../replication/index.js";

/** A replicated module's way to its peers: the live members other than this node, over its claimed channel. */
export function replicationLink(overlay: Overlay, port: ChannelPort): ReplicationLink {
  return {
    peers: () =>
      overlay
        .liveMembers()
        .filter((m) => m.name !== overlay.name)
        .map((m) => m.address),
    request: port.request,
    onRequest: port.onRequest,
  };
}
