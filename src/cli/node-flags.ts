// The V8 flags a gateway runs with. bin/hearsay.js passes them on its shebang
// line; whoever starts a gateway as `node bin/hearsay.js agent` (tests,
// benchmarks, other launchers) passes GATEWAY_NODE_FLAGS first.
//
// Why: a gateway's live heap is small (tens of MB) while the young generation
// is up to 32 MB. V8 starts incremental marking whenever the room left below
// the old-generation limit is no bigger than the young generation, and with a
// small heap it shrinks that limit from survival statistics early on, so under
// a steady publish load it ran a full mark-compact every ~0.6 s (3-12 ms
// pauses each), which is what the tail of publish-to-delivery latency was made
// of. A configured initial heap size keeps the first limit at 160 MB and V8
// does not shrink it; memory is only committed as it is used.

/** Flags for `node` before bin/hearsay.js when it runs a gateway. */
export const GATEWAY_NODE_FLAGS: readonly string[] = ["--initial-heap-size=160"];

/** The flags of GATEWAY_NODE_FLAGS this process was not started with. */
export function missingNodeFlags(execArgv: readonly string[] = process.execArgv): string[] {
  return GATEWAY_NODE_FLAGS.filter((f) => !execArgv.includes(f));
}
