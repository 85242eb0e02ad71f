import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { REPO } from "../../support/schema.js";

/** One test host: a network namespace with one veth on the LAN bridge. */
export interface NsHost {
  readonly ns: string;
  readonly address: string;
}

const ip = (...args: string[]): string =>
  execFileSync("ip", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 10_000 });

/**
 * A LAN of network namespaces: a bridge in the root namespace (holding .254, so the test reaches the
 * hosts' gRPC ports), and per host a namespace whose veth is a port of the bridge. Names are unique per
 * run; destroy() removes everything and is safe to call twice or after a partial create().
 */
export class NetnsLan {
  readonly hosts: NsHost[] = [];
  private readonly id = randomBytes(2).toString("hex");
  private readonly bridge = `hsbr${this.id}`;
  private readonly namespaces: string[] = [];
  private bridgeMade = false;
  private prefix = "";
  private readonly onExit = () => this.destroy();

  /** Creates the bridge and `n` hosts (10.x.y.1 .. n); fails with a message naming what is missing. */
  create(n: number): this {
    process.once("exit", this.onExit);
    try {
      this.build(n);
    } catch (err) {
      this.destroy();
      const e = err as { stderr?: string; message: string };
      throw new Error(
        `the multicast test needs root and network namespaces (${e.message.split("\n")[0]}` +
          `${e.stderr ? `: ${e.stderr.trim()}` : ""}); run it as root on Linux with iproute2 ` +
          "(scripts/bootstrap installs it)",
      );
    }
    return this;
  }

  private build(n: number): void {
    // A /24 no interface of this machine uses yet.
    const used = ip("-4", "-o", "addr", "show");
    do this.prefix = `10.${100 + Math.floor(Math.random() * 100)}.${Math.floor(Math.random() * 256)}`;
    while (used.includes(` ${this.prefix}.`));
    ip("link", "add", this.bridge, "type", "bridge", "mcast_snooping", "0");
    this.bridgeMade = true;
    ip("addr", "add", `${this.prefix}.254/24`, "dev", this.bridge);
    ip("link", "set", this.bridge, "up");
    for (let i = 1; i <= n; i++) {
      const ns = `hs-${this.id}-h${i}`;
      const outer = `hs${this.id}r${i}`;
      const inner = `hs${this.id}n${i}`;
      ip("netns", "add", ns);
      this.namespaces.push(ns);
      ip("link", "add", outer, "type", "veth", "peer", "name", inner, "netns", ns);
      ip("link", "set", outer, "master", this.bridge);
      ip("link", "set", outer, "up");
      ip("-n", ns, "link", "set", "lo", "up");
      ip("-n", ns, "addr", "add", `${this.prefix}.${i}/24`, "dev", inner);
      ip("-n", ns, "link", "set", inner, "up");
      this.hosts.push({ ns, address: `${this.prefix}.${i}` });
    }
  }

  destroy(): void {
    process.off("exit", this.onExit);
    for (const ns of this.namespaces.splice(0)) {
      try {
        ip("netns", "del", ns);
      } catch {
        // already gone
      }
    }
    if (this.bridgeMade) {
      this.bridgeMade = false;
      try {
        ip("link", "del", this.bridge);
      } catch {
        // already gone
      }
    }
  }
}

/** A `hearsay agent` running inside a namespace. */
export interface NsAgent {
  readonly name: string;
  readonly gossip: string;
  readonly grpc: string;
  readonly lines: string[];
  readonly child: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `ip netns exec NS node bin/hearsay.js agent ...` and waits for its ready line. */
export async function startNsAgent(host: NsHost, name: string, args: string[]): Promise<NsAgent> {
  const child = spawn(
    "ip",
    [
      "netns",
      "exec",
      host.ns,
      process.execPath,
      join(REPO, "bin/hearsay.js"),
      "agent",
      "--name",
      name,
      "--bind",
      `${host.address}:7946`,
      "--grpc",
      `${host.address}:7400`,
      ...args,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const lines: string[] = [];
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const ready = await new Promise<Record<string, string>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`agent ${name} not ready in 20 s: ${stderr}`)), 20_000);
    child.once("exit", (code) => reject(new Error(`agent ${name} exited with ${code}: ${stderr}`)));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      lines.push(line);
      if (line.includes('"msg":"ready"')) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as Record<string, string>);
      }
    });
  });
  return {
    name,
    gossip: ready.gossip!,
    grpc: ready.grpc!,
    lines,
    child,
    async stop(signal = "SIGKILL") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
