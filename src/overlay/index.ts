// What other modules may use. internal.ts re-exports internals for tests and tools only (test/house.test.ts).
export {
  Overlay,
  type JoinResult,
  type OverlayDeps,
  type OverlayInit,
  type StateResult,
  type UserPacketHandler,
  type UserRequestHandler,
} from "./overlay.js";
export {
  lanConfig,
  wanConfig,
  localConfig,
  validateConfig,
  suspicionTimeoutMs,
  retransmitLimit,
  pushPullScaleMs,
  type ConfigError,
  type OverlayConfig,
} from "./config.js";
export type { MemberEvent, MemberEventType, MemberListener } from "./events.js";
export type { MemberInfo } from "./members.js";
export type { MemberStatus, NodeMeta } from "./messages.js";
export { Keyring, KEY_BYTES, type KeyringError } from "./keyring.js";
export type { DropReason } from "./wire.js";
export { InvariantError } from "./invariants.js";
/** Wire-level pieces for tests, tools and a second implementation. */
export {
  decodeFrame,
  encodeMessage,
  encodeCompound,
  encodePart,
  DEFAULT_CODEC_LIMITS,
  type CodecLimits,
  type DecodeError,
  type DecodeResult,
} from "./codec.js";
export { PROTOCOL_VERSION, Tag, type Message } from "./messages.js";
export { Awareness } from "./awareness.js";
export { Suspicion, remainingSuspicionMs } from "./suspicion.js";
export { BroadcastQueue } from "./broadcast-queue.js";
