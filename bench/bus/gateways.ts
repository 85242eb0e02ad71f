// Real `hearsay agent` gateways on loopback, awaited until their JSON "ready"
// line, measured through /proc (RSS, CPU time) and stopped.
import { appendFileSync, readFileSync } from "node:fs";
import { Child } from "./processes.js";
import { GATEWAY_NODE_FLAGS } from "../../src/cli/internal.js";

export interface GatewayReady {
  gossip: string;
  grpc: string;
}

/** Set BENCH_GATEWAY_LOG=FILE to keep every gateway output line, stamped "name epoch-ms line". */
const LINE_LOG = process.env.BENCH_GATEWAY_LOG;

/** Clock ticks per second of /proc/PID/stat times (USER_HZ; 100 on Linux). */
const CLK_TCK = 100;

export class Gateway {
  readonly child: Child;
  readonly ready: Promise<GatewayReady>;

  constructor(
    readonly name: string,
    root: string,
    join: string | null,
    readyTimeoutMs: number,
    /** Extra node flags, e.g. --cpu-prof. */
    nodeFlags: readonly string[] = [],
  ) {
    const args = [
      ...GATEWAY_NODE_FLAGS,
      ...nodeFlags,
      "bin/hearsay.js",
      "agent",
      "--name",
      name,
      "--profile",
      "local",
      "--bind",
      "127.0.0.1:0",
      "--grpc",
      "127.0.0.1:0",
    ];
    if (join !== null) args.push("--join", join);
    let onReady: (r: GatewayReady) => void = () => {};
    this.child = new Child({
      name,
      // Line-buffered stdout, so V8's --trace-gc lines arrive when they happen (BENCH_GATEWAY_LOG).
      command: LINE_LOG === undefined ? process.execPath : "stdbuf",
      args: LINE_LOG === undefined ? args : ["-oL", process.execPath, ...args],
      cwd: root,
      onLine: (line) => {
        if (LINE_LOG !== undefined) appendFileSync(LINE_LOG, `${name} ${Date.now()} ${line}\n`);
        const r = parseReady(line);
        if (r !== null) onReady(r);
      },
    });
    this.ready = readyWhen(this.child, name, readyTimeoutMs, (fn) => (onReady = fn));
  }

  get pid(): number {
    return this.child.pid;
  }

  /** User + system CPU seconds the process has used so far. */
  cpuSeconds(): number {
    return cpuSecondsOf(this.pid);
  }
}

/** User + system CPU seconds process `pid` has used so far (/proc/PID/stat). */
export function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // Fields after the command: state is index 0, utime index 11, stime index 12.
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/**
 * The gateway's ready addresses: `listen` receives the function its output
 * handler calls with a parsed ready line; rejects after `timeoutMs` or when
 * the process exits first.
 */
export function readyWhen(
  child: Child,
  name: string,
  timeoutMs: number,
  listen: (onReady: (r: GatewayReady) => void) => void,
): Promise<GatewayReady> {
  return new Promise<GatewayReady>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name}: no ready line in ${timeoutMs} ms\n${child.lastOutput()}`)),
      timeoutMs,
    );
    listen((r) => {
      clearTimeout(timer);
      resolve(r);
    });
    void child.exited.then(() => reject(new Error(`${name} exited before ready\n${child.lastOutput()}`)));
  });
}

/** The addresses of a gateway's JSON "ready" line, or null for any other line. */
export function parseReady(line: string): GatewayReady | null {
  if (!line.includes('"ready"')) return null;
  try {
    const j = JSON.parse(line) as { msg?: string; gossip?: string; grpc?: string };
    return j.msg === "ready" && typeof j.gossip === "string" && typeof j.grpc === "string"
      ? { gossip: j.gossip, grpc: j.grpc }
      : null;
  } catch {
    return null;
  }
}

export function portOf(hostPort: string): number {
  return Number(hostPort.slice(hostPort.lastIndexOf(":") + 1));
}
