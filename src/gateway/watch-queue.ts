import { ResourceExhausted } from "../errors/index.js";
import type { Pollable } from "./long-poll.js";

/**
 * A member or service watch for a polling client: events queue up to `max`;
 * a watcher that falls further behind is ended with RESOURCE_EXHAUSTED (it
 * must watch again, with include_current to resynchronise).
 */
export class WatchQueue<T> implements Pollable<T> {
  private readonly items: T[] = [];
  private readable: (() => void) | null = null;
  private overflowed = false;
  private stop: () => void = () => {};

  constructor(
    readonly id: string,
    private readonly what: string,
    private readonly max: number,
    start: (emit: (e: T) => void) => () => void,
  ) {
    this.stop = start((e) => this.push(e));
  }

  drain(max: number): T[] {
    if (this.overflowed) {
      throw new ResourceExhausted(`${this.what} watcher fell ${this.max} events behind; watch again`);
    }
    return this.items.splice(0, max);
  }

  onReadable(fn: () => void): void {
    if (this.items.length > 0 || this.overflowed) fn();
    else this.readable = fn;
  }

  close(): void {
    this.stop();
    this.items.length = 0;
  }

  private push(e: T): void {
    if (this.overflowed) return;
    if (this.items.length >= this.max) {
      this.overflowed = true;
      this.stop();
      this.items.length = 0;
    } else this.items.push(e);
    const fn = this.readable;
    this.readable = null;
    fn?.();
  }
}
