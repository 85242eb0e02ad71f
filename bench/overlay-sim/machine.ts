// The machine and build a figure was measured on, printed beside it.
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

function hearsayVersion(root: string): string {
  const pkg = JSON.parse(readFileSync(`${root}/package.json`, "utf8")) as { version?: string };
  let commit = "";
  try {
    const git = (args: string[]): string => execFileSync("git", args, { cwd: root, encoding: "utf8" }).trim();
    commit = ` (${git(["rev-parse", "--short", "HEAD"])}${git(["status", "--porcelain"]) === "" ? "" : "+dirty"})`;
  } catch {
    // not a git checkout
  }
  return `${pkg.version ?? "?"}${commit}`;
}

export function describeMachine(root: string, seed: number): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: osName(),
    node: process.version,
    hearsay: hearsayVersion(root),
    date: new Date().toISOString(),
    seed,
    loadAtStart: os.loadavg()[0] ?? 0,
  };
}
