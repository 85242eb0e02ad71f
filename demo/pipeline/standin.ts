// Used only when ZooKeeper is not installed: a stand-in coordination server
// that answers ZooKeeper's `srvr` four-letter word and nothing else. It says
// what it is in every reply. Run: node dist/demo/pipeline/standin.js --port P
import { createServer } from "node:net";
import { flags, say } from "./common.js";

const f = flags(process.argv.slice(2), { port: undefined });
const server = createServer((s) => {
  s.setTimeout(2000, () => s.destroy());
  s.once("data", (d: Buffer) => {
    if (d.toString().startsWith("srvr")) s.end("Hearsay demo stand-in (not ZooKeeper)\nMode: standalone\n");
    else s.end();
  });
  s.on("error", () => {});
});
server.listen(Number(f.port), "127.0.0.1", () => say(`stand-in coordination server on 127.0.0.1:${f.port}`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
