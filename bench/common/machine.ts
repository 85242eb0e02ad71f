// The machine and build a figure was measured on, printed beside it. Shared by
// every benchmark program under bench/.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  /** package.json version plus the git commit, "+dirty" when the tree has changes. */
  hearsay: string;
  /** `serf version`, first line, or "absent". */
  serf: string;
  /** @grpc/grpc-js version from node_modules. */
  grpcJs: string;
  date: string;
  seed: number;
  /** 1-minute load average at start: other work on the machine skews wall times, not simulated ones. */
  loadAtStart: number;
}

function osName(): string {
  try {
    const m = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync("/etc/os-release", "utf8"));
    if (m?.[1] !== undefined) return `${m[1]}, ${os.type()} ${os.release()}`;
  } catch {
    // no os-release: the kernel name will do
  }
  return `${os.type()} ${os.release()}`;
}

function run(cmd: string, args: string[], cwd: string): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: "utf8", timeout: 5_000 }).trim();
  } catch {
    return "";
  }
}

function hearsayVersion(root: string): string {
  const pkg = JSON.parse(readFileSync(`${root}/package.json`, "utf8")) as { version?: string };
  const head = run("git", ["rev-parse", "--short", "HEAD"], root);
  const dirty = run("git", ["status", "--porcelain"], root) === "" ? "" : "+dirty";
  return `${pkg.version ?? "?"}${head === "" ? "" : ` (${head}${dirty})`}`;
}

function packageVersion(root: string, name: string): string {
  try {
    const pkg = JSON.parse(readFileSync(`${root}/node_modules/${name}/package.json`, "utf8")) as {
      version?: string;
    };
    return pkg.version ?? "?";
  } catch {
    return "?";
  }
}

export function describeMachine(root: string, seed = 0, serfBin = "serf"): Machine {
  const cpus = os.cpus();
  const serf = run(serfBin, ["version"], root).split("\n")[0] ?? "";
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: osName(),
    node: process.version,
    hearsay: hearsayVersion(root),
    serf: serf === "" ? "absent" : `serf ${serf}`,
    grpcJs: packageVersion(root, "@grpc/grpc-js"),
    date: new Date().toISOString(),
    seed,
    loadAtStart: load1(),
  };
}

/** The 1-minute load average now: other work on the machine skews wall times, not simulated ones. */
export function load1(): number {
  return Math.round((os.loadavg()[0] ?? 0) * 100) / 100;
}
