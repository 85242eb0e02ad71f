export {
  ClusterKeys,
  DEFAULT_CLUSTER_KEYS_OPTIONS,
  type ClusterKeysOptions,
  type KeysLink,
  type MemberKeyResult,
} from "./cluster-keys.js";
export { LocalKeyring, ENCRYPTION_OFF, type PersistKeys } from "./local-keyring.js";
export {
  encodeKeyRequest,
  decodeKeyRequest,
  encodeKeyReply,
  decodeKeyReply,
  KEYS_WIRE_LIMITS,
  KEYS_WIRE_VERSION,
  type KeyOp,
  type KeyOpRequest,
  type KeyOpReply,
} from "./wire.js";

/** The keyring operations' channel id in the bus's Channels mux (request/response only). */
export const KEYS_CHANNEL = 3;
