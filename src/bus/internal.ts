/**
 * Bus internals for its tests and tools only; src modules use index.ts
 * (test/house.test.ts checks both).
 */
export {
  BatchWriter,
  Kind,
  encodeDiscoverReq,
  encodeDiscoverResp,
  encodeSeekReq,
  encodeSeekResp,
  encodeSyncReq,
  msgpackRecords,
} from "./codec.js";
export { fastRecords } from "./fast-records.js";
export { Stream } from "./stream.js";
export { streamKey } from "./digest.js";
