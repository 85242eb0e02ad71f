// Latency summaries: shared by every bench program (bench/common).
export * from "../common/stats.js";
export { cdfOf, type Cdf } from "../common/plot.js";
