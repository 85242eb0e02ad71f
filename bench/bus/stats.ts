// Latency summaries: shared by every bench program (bench/common).
export * from "../common/stats.js";
