/**
 * Gateway internals for its tests and tools only; src modules use index.ts
 * (test/house.test.ts checks both).
 */
export { MemberDirectory } from "./members.js";
export {
  encodeDigestBatch,
  GatewayServiceWithRawSubscribe,
  SubscribeBatchEncoder,
} from "./subscribe-wire.js";
export { BoundedPoll, thriftDigestBytes } from "./thrift-poll.js";
export type { WireItem } from "./digest-service.js";
