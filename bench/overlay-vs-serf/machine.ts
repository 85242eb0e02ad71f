// The machine a figure was measured on, printed beside it.
import { readFileSync } from "node:fs";
import os from "node:os";

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly date: string;
  /** 1-minute load average when the bench started. */
  readonly loadAtStart: number;
}

function osName(): string {
  try {
    const m = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync("/etc/os-release", "utf8"));
    if (m?.[1]) return `${m[1]}, ${os.type()} ${os.release()}`;
  } catch {
    // not Linux, or no os-release: fall back to the kernel name
  }
  return `${os.type()} ${os.release()}`;
}

export function describeMachine(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: osName(),
    node: process.version,
    date: new Date().toISOString(),
    loadAtStart: os.loadavg()[0] ?? 0,
  };
}
