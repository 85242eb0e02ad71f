// What other modules may use. internal.ts re-exports internals for tests and tools only (test/house.test.ts).
/** Digest bus: publish, subscribe (bounded, with gap notices), retention, dissemination and repair. */
export { Bus, type BusDeps, type BusStats, type PublishResult, type SubscribeResult } from "./bus.js";
export {
  busConfig,
  DEFAULT_BUS_CONFIG,
  validateBusConfig,
  type BusConfig,
  type BusConfigError,
} from "./config.js";
export {
  BUS_CHANNEL,
  Channels,
  type ChannelObserver,
  type ChannelOverlay,
  type ChannelPort,
  type ChannelPacketHandler,
  type ChannelRequestHandler,
} from "./channels.js";
export type { Cursor, CursorPosition, GapNotice, GapRange, GapReason } from "./cursor.js";
export { digestId, type Digest, type PublishInput } from "./digest.js";
export type { SubscribeOptions } from "./subscribe.js";
export { Subscription, type SubscriptionItem } from "./subscription.js";
export {
  DEFAULT_RETENTION,
  type LogStore,
  type Mark,
  type RetentionLimits,
  type StreamLogInfo,
} from "./log-store.js";
export { MemoryLogStore } from "./memory-store.js";
export { FileLogStore, type FileStoreOpen, type FileStoreOptions } from "./file-store.js";
/** Wire-level pieces for tests, tools and a second implementation. */
export { decodeBusMessage, type BusMessage, type BusDecodeResult, type Head } from "./codec.js";
export { encodeInterest, decodeInterest, typeHash, INTEREST_SECTION } from "./interest.js";
