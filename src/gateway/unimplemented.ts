/** Operations of the v1 API not built yet, and the issue that builds each. */
export const PENDING_OPERATIONS: Readonly<Record<string, string>> = Object.freeze({
  "watchMembers (Thrift long-poll)": "Thrift watches, issue #5",
  "subscribe (Thrift long-poll)": "Thrift subscriptions, issue #5",
  RegisterService: "service discovery, issue #9",
  DeregisterService: "service discovery, issue #9",
  ListServices: "service discovery, issue #9",
  WatchServices: "service discovery, issue #9",
});
