/**
 * Overlay internals for its tests and tools only; src modules use index.ts
 * (test/house.test.ts checks both).
 */
export { ReplayCache } from "./keyring.js";
