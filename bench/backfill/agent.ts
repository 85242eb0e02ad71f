// A gateway for the backfill bench: the agent `hearsay agent` runs (startAgent,
// the same config builder and JSON logger), plus one thing the CLI has no way
// to give: on SIGUSR2 it prints its counters (bus_repaired_total,
// bus_backfilled_total, ...) as one JSON line {"msg":"bench-metrics",...}.
// The gateway exposes no metrics endpoint, and the bench needs them beside its
// figures. Run: node <GATEWAY_NODE_FLAGS> dist/bench/backfill/agent.js NAME BIND GRPC [JOIN]
import { buildAgentConfig } from "../../src/config/index.js";
import { startAgent } from "../../src/cli/internal.js";
import { jsonLogger } from "../../src/observe/index.js";

async function main(): Promise<void> {
  const [name, bind, grpc, join] = process.argv.slice(2);
  const built = buildAgentConfig(
    { nodeName: name, bind, grpc, profile: "local", ...(join === undefined ? {} : { join }) },
    "bench",
  );
  if (!built.ok) {
    process.stderr.write(`bench agent: ${built.error}\n`);
    process.exit(2);
  }
  const log = jsonLogger((l) => process.stdout.write(l), "info");
  const agent = await startAgent(built.value, log);
  process.on("SIGUSR2", () => {
    const m = agent.metrics;
    const line = {
      msg: "bench-metrics",
      counters: Object.fromEntries(m.counters),
      gauges: Object.fromEntries(m.gauges),
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  });
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void agent.stop().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench agent: ${String(err)}\n`);
  process.exit(1);
});
