import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { join } from "node:path";
import { REPO } from "./schema.js";

/** A real `hearsay agent` process started for a test. */
export interface AgentProcess {
  readonly name: string;
  /** Overlay (gossip) address. */
  readonly gossip: string;
  readonly grpc: string;
  readonly thrift: string | null;
  readonly child: ChildProcess;
  /** Every stdout line so far (JSON log lines). */
  readonly lines: string[];
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `node bin/hearsay.js agent` on loopback with OS-chosen ports and waits for its ready line; `extraArgs` override. */
export async function startAgentProcess(name: string, extraArgs: string[] = []): Promise<AgentProcess> {
  const child = spawn(
    process.execPath,
    [
      join(REPO, "bin/hearsay.js"),
      "agent",
      "--name",
      name,
      "--bind",
      "127.0.0.1:0",
      "--grpc",
      "127.0.0.1:0",
      "--thrift",
      "127.0.0.1:0",
      ...extraArgs,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const lines: string[] = [];
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const ready = await new Promise<Record<string, string>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`agent ${name} not ready in 15 s: ${stderr}`)), 15_000);
    child.once("exit", (code) => reject(new Error(`agent ${name} exited with ${code}: ${stderr}`)));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      lines.push(line);
      const msg = JSON.parse(line) as Record<string, string>;
      if (msg.msg === "ready") {
        clearTimeout(timer);
        resolve(msg);
      }
    });
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    name,
    gossip: ready.gossip!,
    grpc: ready.grpc!,
    thrift: ready.thrift ?? null,
    child,
    lines,
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
