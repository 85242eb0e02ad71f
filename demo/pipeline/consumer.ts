// The pipeline's end: a TypeScript consumer of Committed records. Prints
// progress and `consumer NAME: all N records arrived` once every seq 1..N has
// been committed by some broker (duplicates from two brokers are counted once).
// Run: node dist/demo/pipeline/consumer.js --agent H:P --name c1 --count N
import { connect } from "../../src/sdk/index.js";
import { codec, type Committed, flags, registerPipelineTypes, say } from "./common.js";

const f = flags(process.argv.slice(2), { agent: "127.0.0.1:7400", name: "c1", count: undefined });
const count = Number(f.count);
const who = `consumer ${f.name}`;
const client = connect({ address: f.agent });
const ac = new AbortController();
process.on("SIGTERM", () => ac.abort());
process.on("SIGINT", () => ac.abort());

const seen = new Set<number>();
const byBroker = new Map<string, number>();
let duplicates = 0;
await registerPipelineTypes(client);
const sub = client.subscribe(codec<Committed>("Committed"), {
  start: "earliest",
  signal: ac.signal,
  onRetry: (err, attempt) => say(`${who}: gateway connection lost (${err.codeName}); retry ${attempt}`),
});
void sub.started.then(() => say(`${who}: subscribed to Committed from the earliest retained`));
for await (const d of sub) {
  if (d.kind === "gap") {
    say(`${who}: GAP ${d.message}`);
    continue;
  }
  const m = d.message!;
  if (seen.has(m.seq)) {
    duplicates++;
    continue;
  }
  seen.add(m.seq);
  byBroker.set(m.broker, (byBroker.get(m.broker) ?? 0) + 1);
  if (seen.size === 1 || seen.size % 50 === 0) {
    say(
      `${who}: ${seen.size} distinct records; latest seq ${m.seq} from broker ${m.broker} via ${m.coordinator}`,
    );
  }
  if (seen.size === count) {
    const brokers = [...byBroker].map(([b, n]) => `${b}=${n}`).join(", ");
    say(`${who}: all ${count} records arrived (by broker: ${brokers}; ${duplicates} duplicates dropped)`);
  }
}
const missing = Array.from({ length: count }, (_, i) => i + 1).filter((s) => !seen.has(s));
say(
  `${who}: stopping with ${seen.size}/${count}; missing ${missing.length === 0 ? "none" : missing.slice(0, 20).join(",")}`,
);
client.close();
process.exit(missing.length === 0 ? 0 : 1);
