// Hosts as network namespaces on one bridge: hsnt-ID-h1 .. hsnt-ID-hN, each
// with eth0 = 10.77.X.i/24 on bridge hsntIDbr (the root namespace holds
// .254, so the driver reaches every gateway through the bridge). ID is
// HEARSAY_NETNS_ID (test/netns/run.sh sets it, to clean up after a crash) or
// this process's pid; X is a /24 no interface uses yet, so concurrent runs
// never meet. Faults are nftables tables inside a host's namespace matching
// eth0 only, so a host's own clients (which reach its gateway over lo) are
// never cut off. Needs root.
import { execFileSync } from "node:child_process";

const RUN_ID = (process.env.HEARSAY_NETNS_ID ?? String(process.pid)).slice(0, 7);
export const PREFIX = `hsnt-${RUN_ID}`;
export const BRIDGE = `hsnt${RUN_ID}br`;
/** Root-side ends of the hosts' veth pairs: VETH_PREFIX + host index. */
const VETH_PREFIX = `hsnt${RUN_ID}v`;
/** nftables table holding a host's current fault; deleting it heals the host. */
const FAULT_TABLE = "hsnt_fault";
/** Every ip/nft call is bounded. */
const CMD_TIMEOUT_MS = 10_000;

export interface Host {
  readonly index: number;
  /** Node name of its gateway, e.g. "h1". */
  readonly name: string;
  /** Network namespace, e.g. "hsnt-h1". */
  readonly ns: string;
  readonly ip: string;
}

export function run(cmd: string, args: readonly string[], input?: string): string {
  return execFileSync(cmd, [...args], {
    input,
    encoding: "utf8",
    timeout: CMD_TIMEOUT_MS,
    stdio: ["pipe", "pipe", "pipe"],
  });
}

function tryRun(cmd: string, args: readonly string[]): boolean {
  try {
    run(cmd, args);
    return true;
  } catch {
    return false;
  }
}

/** Why this machine cannot run the test, or null: root, `ip netns`, bridges, veth pairs and nft. */
export function unavailableReason(): string | null {
  if (process.getuid?.() !== 0) return "needs root";
  if (!tryRun("ip", ["netns", "list"])) return "`ip netns` is unavailable (iproute2)";
  if (!tryRun("nft", ["--version"])) return "nft (nftables) is unavailable";
  return null;
}

/** "10.77.X" with X not on any interface of the root namespace. */
function freeSubnet(): string {
  let used = "";
  try {
    used = run("ip", ["-4", "-o", "addr"]);
  } catch {
    // no ip: unavailableReason() says so
  }
  for (let k = 0; k < 256; k++) {
    const x = (process.pid + k) % 256;
    if (!used.includes(` 10.77.${x}.`)) return `10.77.${x}`;
  }
  throw new Error("no free 10.77.X.0/24 subnet");
}

let subnet = "";

/** The hosts' names and addresses (the subnet is picked on the first call). */
export function hostsOf(count: number): Host[] {
  subnet ||= freeSubnet();
  return Array.from({ length: count }, (_, k) => ({
    index: k + 1,
    name: `h${k + 1}`,
    ns: `${PREFIX}-h${k + 1}`,
    ip: `${subnet}.${k + 1}`,
  }));
}

/** Creates the bridge and one namespace per host (after removing leftovers of the same id). */
export function createHosts(hosts: readonly Host[]): void {
  removeHosts();
  run("ip", ["link", "add", BRIDGE, "type", "bridge"]);
  run("ip", ["addr", "add", `${subnet}.254/24`, "dev", BRIDGE]);
  run("ip", ["link", "set", BRIDGE, "up"]);
  for (const h of hosts) {
    const veth = `${VETH_PREFIX}${h.index}`;
    run("ip", ["netns", "add", h.ns]);
    run("ip", ["link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", h.ns]);
    run("ip", ["link", "set", veth, "master", BRIDGE, "up"]);
    run("ip", ["-n", h.ns, "addr", "add", `${h.ip}/24`, "dev", "eth0"]);
    run("ip", ["-n", h.ns, "link", "set", "eth0", "up"]);
    run("ip", ["-n", h.ns, "link", "set", "lo", "up"]);
  }
}

/** This run's namespaces that exist now. */
export function existingNamespaces(): string[] {
  return run("ip", ["netns", "list"])
    .split("\n")
    .map((l) => l.split(" ")[0]!)
    .filter((n) => n.startsWith(`${PREFIX}-h`));
}

/** Pids of the processes inside namespace `ns`. */
export function pidsIn(ns: string): number[] {
  try {
    return run("ip", ["netns", "pids", ns])
      .split("\n")
      .filter((l) => /^\d+$/.test(l.trim()))
      .map(Number);
  } catch {
    return [];
  }
}

/**
 * Deletes this run's namespaces (their nft tables go with them) and the
 * bridge. Processes still inside (only ever started by this test) are
 * SIGKILLed by pid first, since a namespace with processes outlives `ip netns del`.
 * Synchronous, so it also runs from a process "exit" handler.
 */
export function removeHosts(): void {
  for (const ns of existingNamespaces()) {
    for (const pid of pidsIn(ns)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    tryRun("ip", ["netns", "del", ns]);
  }
  // A deleted namespace lingers while orphaned TCP sockets in it time out; its veth pair goes now.
  let links = "";
  try {
    links = run("ip", ["-o", "link"]);
  } catch {
    // nothing to delete then
  }
  for (const l of links.matchAll(new RegExp(`\\d+: (${VETH_PREFIX}\\d+)@`, "g")))
    tryRun("ip", ["link", "del", l[1]!]);
  tryRun("ip", ["link", "del", BRIDGE]);
}

function setFault(h: Host, rules: { input: string[]; output: string[] }): void {
  clearFault(h);
  const chain = (name: string, hook: string, body: string[]) =>
    [
      `  chain ${name} {`,
      `    type filter hook ${hook} priority 0; policy accept;`,
      ...body.map((r) => `    ${r}`),
      `  }`,
    ].join("\n");
  const script = [
    `table inet ${FAULT_TABLE} {`,
    chain("in", "input", rules.input),
    chain("out", "output", rules.output),
    `}`,
  ].join("\n");
  run("ip", ["netns", "exec", h.ns, "nft", "-f", "-"], script);
}

/** Cuts the host off the bridge in both directions (its gateway's gossip and client traffic from outside). */
export function partition(h: Host): void {
  setFault(h, { input: [`iifname "eth0" counter drop`], output: [`oifname "eth0" counter drop`] });
}

/** Silent random loss of `percent` % of the packets the host receives from the bridge. */
export function inboundLoss(h: Host, percent: number): void {
  setFault(h, { input: [`iifname "eth0" numgen random mod 100 < ${percent} counter drop`], output: [] });
}

/** Removes the host's fault (partition or loss). */
export function clearFault(h: Host): void {
  tryRun("ip", ["netns", "exec", h.ns, "nft", "delete", "table", "inet", FAULT_TABLE]);
}

/** Packets dropped by the host's fault table so far (0 without one); shows a fault really bit. */
export function droppedPackets(h: Host): number {
  try {
    const out = run("ip", ["netns", "exec", h.ns, "nft", "-j", "list", "table", "inet", FAULT_TABLE]);
    return [...out.matchAll(/"counter":\s*\{\s*"packets":\s*(\d+)/g)].reduce((s, m) => s + Number(m[1]), 0);
  } catch {
    return 0;
  }
}
