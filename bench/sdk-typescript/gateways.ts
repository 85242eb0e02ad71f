// Two real `hearsay agent` processes on loopback (gRPC + Thrift), joined.
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { GATEWAY_NODE_FLAGS } from "../../src/cli/internal.js";

export interface Agent {
  readonly name: string;
  readonly gossip: string;
  readonly grpc: string;
  readonly thrift: string;
  readonly child: ChildProcess;
}

export async function startAgent(root: string, name: string, join: string | null): Promise<Agent> {
  const args = ["bin/hearsay.js", "agent", "--name", name, "--profile", "local"];
  args.push("--bind", "127.0.0.1:0", "--grpc", "127.0.0.1:0", "--thrift", "127.0.0.1:0");
  if (join) args.push("--join", join);
  const child = spawn(process.execPath, [...GATEWAY_NODE_FLAGS, ...args], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const ready = await new Promise<Record<string, string>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name}: not ready in 20 s\n${stderr}`)), 20_000);
    child.once("exit", (code) => reject(new Error(`${name} exited ${code}\n${stderr}`)));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (!line.includes('"ready"')) return;
      const j = JSON.parse(line) as Record<string, string>;
      if (j.msg !== "ready") return;
      clearTimeout(timer);
      resolve(j);
    });
  });
  return { name, gossip: ready.gossip!, grpc: ready.grpc!, thrift: ready.thrift!, child };
}

export async function stopAll(agents: Agent[]): Promise<void> {
  await Promise.all(
    agents.map(
      (a) =>
        new Promise<void>((resolve) => {
          if (a.child.exitCode !== null) return resolve();
          const kill = setTimeout(() => a.child.kill("SIGKILL"), 5_000);
          a.child.once("exit", () => {
            clearTimeout(kill);
            resolve();
          });
          a.child.kill("SIGTERM");
        }),
    ),
  );
}
