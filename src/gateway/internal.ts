/**
 * Gateway internals for its tests and tools only; src modules use index.ts
 * (test/house.test.ts checks both).
 */
export { MemberDirectory } from "./members.js";
export { encodeDigestBatch, GatewayServiceWithRawSubscribe } from "./subscribe-wire.js";
