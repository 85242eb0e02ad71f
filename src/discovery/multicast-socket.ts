import { createSocket, type Socket } from "node:dgram";
import type { HostPort } from "../config/index.js";
import type { BeaconSocket } from "./beacon-discovery.js";

export interface MulticastSocketOptions {
  group: HostPort;
  /** IP TTL of what we send (1 = this segment). */
  ttl: number;
  /** Local IPv4 address of the interface to use; null = the OS's route to the group. */
  interface: string | null;
  /** Called on send or socket errors (counted by the host; never thrown). */
  onError: (err: Error) => void;
}

/**
 * A UDP socket on the beacon group: bound to the group's port with SO_REUSEADDR (several agents on one
 * host each get every beacon), member of the group on the chosen interface, sending there with the
 * given TTL and loopback on (agents on the same host hear each other).
 */
export async function openMulticastSocket(opts: MulticastSocketOptions): Promise<BeaconSocket> {
  const socket = createSocket({ type: "udp4", reuseAddr: true });
  // Bound to the group address, the socket receives that group only, not unicast to the port (Linux, BSD).
  const bindHost = process.platform === "win32" ? "0.0.0.0" : opts.group.host;
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(opts.group.port, bindHost, () => {
      socket.off("error", reject);
      resolve();
    });
  });
  try {
    configure(socket, opts);
  } catch (err) {
    socket.close();
    throw err;
  }
  socket.on("error", opts.onError);
  let handler: (data: Uint8Array, from: string) => void = () => {};
  socket.on("message", (msg, rinfo) => handler(msg, `${rinfo.address}:${rinfo.port}`));
  let closed = false;
  return {
    send(data) {
      if (closed) return;
      socket.send(data, opts.group.port, opts.group.host, (err) => {
        if (err) opts.onError(err);
      });
    },
    onMessage(fn) {
      handler = fn;
    },
    close() {
      if (closed) return;
      closed = true;
      try {
        socket.close();
      } catch {
        // already closed
      }
    },
  };
}

function configure(socket: Socket, opts: MulticastSocketOptions): void {
  socket.setMulticastTTL(opts.ttl);
  socket.setMulticastLoopback(true);
  if (opts.interface !== null) {
    socket.setMulticastInterface(opts.interface);
    socket.addMembership(opts.group.host, opts.interface);
  } else {
    socket.addMembership(opts.group.host);
  }
}
