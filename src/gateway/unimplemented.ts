/** Operations of the v1 API not built yet, and the issue that builds each. */
export const PENDING_OPERATIONS: Readonly<Record<string, string>> = Object.freeze({
  Publish: "digest bus, issues #4 and #5",
  PublishStream: "digest bus, issues #4 and #5",
  Subscribe: "digest bus, issues #4 and #5",
  "watchMembers (Thrift long-poll)": "Thrift watches, issue #5",
  RegisterService: "service discovery, issue #9",
  DeregisterService: "service discovery, issue #9",
  ListServices: "service discovery, issue #9",
  WatchServices: "service discovery, issue #9",
});
