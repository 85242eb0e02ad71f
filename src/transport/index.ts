export type {
  Address,
  Clock,
  PacketHandler,
  Reply,
  Rng,
  StreamHandler,
  StreamResult,
  TimerHandle,
  Transport,
} from "./types.js";
export { SeededRng, cryptoRng, shuffle } from "./rng.js";
export { realClock } from "./real-clock.js";
export { toMs, type Duration } from "./duration.js";
export {
  SimNetwork,
  type LinkConditions,
  type SimClockSkew,
  type SimHost,
  type SimOptions,
  type SimStats,
} from "./sim.js";
export { NetTransport, splitAddress, joinAddress, type NetTransportOptions } from "./net-transport.js";
export { periodic, type PeriodicTimer } from "./periodic.js";
