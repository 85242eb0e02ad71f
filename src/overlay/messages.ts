import type { Address } from "../transport/index.js";

/** First byte of every plaintext frame. Bumped on incompatible wire changes. */
export const PROTOCOL_VERSION = 1;

/** Second byte of a frame: the message type. Numbers are wire format; never reuse one. */
export const Tag = {
  Ping: 1,
  IndirectPing: 2,
  Ack: 3,
  Nack: 4,
  Suspect: 5,
  Alive: 6,
  Dead: 7,
  PushPull: 8,
  Compound: 9,
  Error: 10,
  User: 11,
} as const;
export type Tag = (typeof Tag)[keyof typeof Tag];

/** What a node says about itself besides name and address; gossiped with its alive message. */
export interface NodeMeta {
  /** Small string labels (role, dc, version). */
  tags: Readonly<Record<string, string>>;
  /** Opaque bytes other modules (bus, discovery) attach under their own section name. */
  sections: Readonly<Record<string, Uint8Array>>;
}

export type MemberStatus = "alive" | "suspect" | "dead" | "left";

/** Wire numbers of MemberStatus in push-pull state. */
export const STATUS_CODE: Record<MemberStatus, number> = { alive: 0, suspect: 1, dead: 2, left: 3 };
export const STATUS_BY_CODE: readonly MemberStatus[] = ["alive", "suspect", "dead", "left"];

export interface PingMsg {
  type: "ping";
  seq: number;
  /** Name the prober expects at this address; a different node ignores the ping. */
  target: string;
  sourceName: string;
  sourceAddr: Address;
}

export interface IndirectPingMsg {
  type: "indirect-ping";
  seq: number;
  target: string;
  targetAddr: Address;
  /** Helper should send a nack if the target stays silent for a probe timeout. */
  wantNack: boolean;
  sourceName: string;
  sourceAddr: Address;
}

export interface AckMsg {
  type: "ack";
  seq: number;
}

export interface NackMsg {
  type: "nack";
  seq: number;
}

export interface SuspectMsg {
  type: "suspect";
  incarnation: number;
  node: string;
  from: string;
}

export interface AliveMsg {
  type: "alive";
  incarnation: number;
  node: string;
  addr: Address;
  meta: NodeMeta;
}

/** from === node means the node left gracefully. */
export interface DeadMsg {
  type: "dead";
  incarnation: number;
  node: string;
  from: string;
}

export interface PushNodeState {
  name: string;
  addr: Address;
  incarnation: number;
  status: MemberStatus;
  meta: NodeMeta;
}

export interface PushPullMsg {
  type: "push-pull";
  join: boolean;
  /** Name of the sender (its own entry is among `nodes`). */
  from: string;
  nodes: PushNodeState[];
}

export interface ErrorMsg {
  type: "error";
  code: string;
  message: string;
}

export interface UserMsg {
  type: "user";
  payload: Uint8Array;
}

export type Message =
  | PingMsg
  | IndirectPingMsg
  | AckMsg
  | NackMsg
  | SuspectMsg
  | AliveMsg
  | DeadMsg
  | PushPullMsg
  | ErrorMsg
  | UserMsg;

export const EMPTY_META: NodeMeta = Object.freeze({ tags: Object.freeze({}), sections: Object.freeze({}) });
