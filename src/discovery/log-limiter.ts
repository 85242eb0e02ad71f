import type { Logger } from "../observe/index.js";

/**
 * Debug lines about input from the network, at most `perWindow` per message per `windowMs`: a flood of
 * forged beacons must not flood the log (the metrics count every one).
 */
export class LogLimiter {
  private readonly windows = new Map<string, { startMs: number; n: number }>();

  constructor(
    private readonly log: Logger,
    private readonly nowMs: () => number,
    private readonly perWindow = 10,
    private readonly windowMs = 60_000,
  ) {}

  debug(msg: string, fields: Record<string, unknown>): void {
    const key = `${msg}/${String(fields.reason ?? "")}`;
    const now = this.nowMs();
    let w = this.windows.get(key);
    if (w === undefined || now - w.startMs >= this.windowMs) {
      if (this.windows.size >= 64) this.windows.clear();
      w = { startMs: now, n: 0 };
      this.windows.set(key, w);
    }
    if (w.n++ < this.perWindow) this.log.debug(msg, fields);
  }
}
