import type { Logger } from "../observe/index.js";

/** Closes one part; may return a promise the stop waits for. */
export type Close = () => unknown;

/**
 * One ordered close list for a process's parts: each part is added with its
 * close as it starts, and they close last-added first, all of them at a
 * graceful stop, or the ones added so far when a later part fails to start.
 * Runs once: a second stop or abort finds nothing left to close.
 */
export class Teardown {
  private readonly parts: { name: string; stop: Close; abort: Close }[] = [];

  constructor(private readonly log: Logger) {}

  /** `stop` closes the part at a graceful stop; `abort` (default: `stop`) after a failed start-up. */
  add(name: string, stop: Close, abort: Close = stop): void {
    this.parts.push({ name, stop, abort });
  }

  /** Closes every part in turn, last added first; the first failure ends the stop and is thrown. */
  async stop(): Promise<void> {
    for (const p of this.parts.splice(0).reverse()) await p.stop();
  }

  /**
   * Closes what started, last added first, after a failed start-up. A failing
   * close is logged, not thrown, so the start-up error is the one reported.
   */
  async abort(): Promise<void> {
    for (const p of this.parts.splice(0).reverse()) {
      try {
        await p.abort();
      } catch (err) {
        this.log.warn("could not close after a failed start", { part: p.name, error: String(err) });
      }
    }
  }

  /** Drops every part unclosed: a killed process closes nothing (the simulator's crash). */
  forget(): void {
    this.parts.length = 0;
  }

  /** Names of the parts still to close, in the order a stop closes them. */
  get pending(): string[] {
    return this.parts.map((p) => p.name).reverse();
  }
}

/** For parts with nothing to undo after a failed start-up (writes that only a graceful stop makes). */
export const NOTHING = (): void => {};
