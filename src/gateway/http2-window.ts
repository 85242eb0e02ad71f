import type * as grpc from "@grpc/grpc-js";
import type { Http2Server, ServerHttp2Session } from "node:http2";

/**
 * HTTP/2 receive window the gateway grants per stream, bytes: ~2 PublishStream
 * requests of 512 x 256 B digests, so the next one is already here when the
 * gateway finishes one; not much more, so one turn of the event loop never
 * swallows a long run of requests while repair traffic waits.
 */
export const STREAM_WINDOW_BYTES = 256 * 1024;
/** HTTP/2 receive window the gateway grants per connection (all its streams), bytes. */
export const CONNECTION_WINDOW_BYTES = 1024 * 1024;

type Internals = { createHttp2Server?: (creds: grpc.ServerCredentials) => Http2Server };

/**
 * Raises the HTTP/2 receive windows of a grpc-js server's connections from
 * Node's 64 KiB to `streamBytes` per stream and `connectionBytes` per
 * connection. Call before `bindAsync`. Returns false (and changes nothing)
 * if this grpc-js does not have the hook it uses.
 *
 * Why: a PublishStream request of 512 x 256 B digests is ~140 KB. With a
 * 64 KiB window the client can send under half a request ahead; the rest
 * waits for WINDOW_UPDATEs that the gateway sends only once it has
 * processed the previous request (grpc-js pauses a stream per message), so
 * the gateway idles for ~3 round trips per request (measured: 25-40 % of
 * its throughput). grpc-js 1.14 has no server option for this (the
 * client's `grpc-node.flow_control_window` is client-only;
 * grpc/grpc-node#3058 proposes it for servers), so each new session gets
 * SETTINGS_INITIAL_WINDOW_SIZE and a connection WINDOW_UPDATE right away,
 * through grpc-js's (private) http2 server factory.
 */
export function raiseReceiveWindows(
  server: grpc.Server,
  streamBytes = STREAM_WINDOW_BYTES,
  connectionBytes = CONNECTION_WINDOW_BYTES,
): boolean {
  const s = server as unknown as Internals;
  const create = s.createHttp2Server;
  if (typeof create !== "function") return false;
  s.createHttp2Server = (creds) => {
    const h2 = create.call(server, creds);
    h2.on("session", (session: ServerHttp2Session) => {
      try {
        session.settings({ initialWindowSize: streamBytes });
        session.setLocalWindowSize(connectionBytes);
      } catch {
        // A session closing already: nothing to raise.
      }
    });
    return h2;
  };
  return true;
}
