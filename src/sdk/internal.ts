/**
 * SDK internals for its tests only; the published client is index.ts
 * (test/house.test.ts checks that no src module imports this).
 */
export { CursorState } from "./cursor.js";
export { toNewDigest } from "./digest.js";
export { heartbeat } from "./services.js";
