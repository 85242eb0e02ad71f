/** The part of a grpc-js server stream the pump drives. */
export interface WritableSink<T> {
  write(item: T): boolean;
  once(event: "drain", fn: () => void): unknown;
}

/**
 * Feeds a server stream without ever blocking the producer: items go straight
 * to the stream while it accepts them; when grpc-js says its buffer is full
 * (write() returns false) they wait in a bounded queue until "drain". When the
 * queue is full the pump gives up and calls `onOverflow` once, so a slow
 * reader is told explicitly instead of growing memory or slowing others.
 */
export class StreamPump<T> {
  private readonly queue: T[] = [];
  private waiting = false;
  private overflowed = false;

  constructor(
    private readonly sink: WritableSink<T>,
    /** Items held while the client is slow. @default 10000 */
    private readonly maxQueued: number,
    private readonly onOverflow: () => void,
  ) {}

  push(item: T): void {
    if (this.overflowed) return;
    if (this.waiting) {
      if (this.queue.length >= this.maxQueued) {
        this.overflowed = true;
        this.queue.length = 0;
        this.onOverflow();
        return;
      }
      this.queue.push(item);
      return;
    }
    if (!this.sink.write(item)) this.waitForDrain();
  }

  get queued(): number {
    return this.queue.length;
  }

  private waitForDrain(): void {
    this.waiting = true;
    this.sink.once("drain", () => {
      this.waiting = false;
      while (this.queue.length > 0 && !this.waiting) {
        if (!this.sink.write(this.queue.shift() as T)) this.waitForDrain();
      }
    });
  }
}
