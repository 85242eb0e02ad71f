// A Hearsay sidecar for one coordination server (ZooKeeper, or the demo's
// stand-in): asks it `srvr` every 500 ms and keeps the service
// "coordination" registered (TTL 3 s) only while it answers.
// Run: node dist/demo/pipeline/zk-sidecar.js --agent H:P --name zk-1 --port 2181
import { connect as tcp } from "node:net";
import { connect, type ServiceRegistration } from "../../src/sdk/index.js";
import { flags, say } from "./common.js";

const f = flags(process.argv.slice(2), { agent: "127.0.0.1:7400", name: undefined, port: undefined });
const port = Number(f.port);
const who = `sidecar ${f.name}`;

/** ZooKeeper's `srvr` four-letter word: true when the reply names a mode. */
function srvr(host: string, p: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    let reply = "";
    const s = tcp(p, host, () => s.end("srvr"));
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.on("data", (d: Buffer) => (reply += d.toString()));
    s.on("end", () => done(/Mode: /.test(reply)));
    s.on("error", () => done(false));
  });
}

const client = connect({ address: f.agent });
let reg: ServiceRegistration | null = null;
let stopping = false;
const stop = async () => {
  stopping = true;
  if (reg) await reg.deregister().catch(() => false);
  client.close();
  process.exit(0);
};
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());

while (!stopping) {
  const healthy = await srvr("127.0.0.1", port);
  try {
    if (healthy && !reg) {
      reg = await client.registerService(
        {
          name: "coordination",
          id: f.name,
          address: "127.0.0.1",
          port,
          ttlMs: 3000,
          tags: { kind: "zookeeper" },
        },
        (err) => say(`${who}: refresh failed: ${String(err)}`),
      );
      say(`${who}: 127.0.0.1:${port} answers srvr; registered coordination ${f.name}`);
    } else if (!healthy && reg) {
      const r = reg;
      reg = null;
      await r.deregister();
      say(`${who}: 127.0.0.1:${port} stopped answering; deregistered coordination ${f.name}`);
    }
  } catch (err) {
    say(`${who}: gateway call failed: ${String(err)}; retrying`);
  }
  await new Promise((r) => setTimeout(r, 500));
}
