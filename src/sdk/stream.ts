import type * as grpc from "@grpc/grpc-js";
import { backoffDelayMs, type ReconnectOptions, sleep } from "./backoff.js";
import { fromGrpcError, type HearsayError, isRetryable, Unavailable } from "./errors.js";

/** What a ResilientStream needs to know about one kind of server stream. */
export interface StreamSpec<R, Out> {
  /** Opens one call (again after each reconnect). */
  open(): grpc.ClientReadableStream<R>;
  /** Turns one response into items for the consumer, in order. May throw a HearsayError to end the stream. */
  handle(r: R): Out[];
  /** Reconnect timing; false = end the stream on the first failure. */
  reconnect: ReconnectOptions | false;
  /** Reopen when nothing (not even a keep-alive) arrived for this long, ms; 0 = never. */
  idleTimeoutMs: number;
  /** Items buffered before the call is paused (backpressure to the gateway). */
  maxQueued: number;
  signal?: AbortSignal;
  /** Told about every failure that will be retried, with the delay before the retry. */
  onRetry?: (err: HearsayError, attempt: number, delayMs: number) => void;
  /** Called once when the stream is over: null = closed or aborted, else the error that ended it. */
  onEnd?: (err: HearsayError | null) => void;
}

/**
 * A server stream as an async iterable that survives reconnects: calls are
 * reopened with jittered exponential backoff on retryable failures, items are
 * queued up to `maxQueued` (then the call is paused so HTTP/2 flow control
 * pushes back on the gateway), and abort or close() end iteration cleanly.
 * A non-retryable error ends iteration by throwing it after the queued items.
 */
export class ResilientStream<Out> implements AsyncIterable<Out> {
  private queue: Out[] = [];
  private head = 0;
  private waiter: (() => void) | null = null;
  private failure: HearsayError | null = null;
  private finished = false;
  private closed = false;
  private iterated = false;
  private call: grpc.ClientReadableStream<unknown> | null = null;
  private paused = false;
  private readonly stop = new AbortController();

  constructor(private readonly spec: StreamSpec<unknown, Out>) {
    const signal = spec.signal;
    if (signal?.aborted) this.close();
    else {
      signal?.addEventListener("abort", () => this.close(), { once: true });
      void this.run();
    }
  }

  /** Ends the stream: the call is cancelled and iteration ends without error. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stop.abort();
    this.call?.cancel();
    this.end(null);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Out, void, undefined> {
    if (this.iterated) throw new TypeError("a hearsay stream can be iterated only once");
    this.iterated = true;
    try {
      for (;;) {
        if (this.closed) return;
        if (this.head < this.queue.length) {
          yield this.take();
          continue;
        }
        if (this.failure) throw this.failure;
        if (this.finished) return;
        await new Promise<void>((resolve) => (this.waiter = resolve));
      }
    } finally {
      this.close();
    }
  }

  private take(): Out {
    const item = this.queue[this.head]!;
    this.queue[this.head++] = undefined as Out;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    if (this.paused && this.queue.length - this.head <= this.spec.maxQueued / 2) {
      this.paused = false;
      this.call?.resume();
    }
    return item;
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  private end(err: HearsayError | null): void {
    if (this.finished) return;
    this.finished = true;
    this.failure = err;
    this.spec.onEnd?.(err);
    this.wake();
  }

  private async run(): Promise<void> {
    let attempt = 0;
    while (!this.closed) {
      const { err, healthy, fatal } = await this.runOnce();
      if (this.closed) return;
      if (healthy) attempt = 0;
      const failure = err ?? new Unavailable("the gateway ended the stream");
      if (fatal || this.spec.reconnect === false || (err !== null && !isRetryable(err))) return this.end(err);
      const delay = backoffDelayMs(attempt++, this.spec.reconnect);
      this.spec.onRetry?.(failure, attempt, delay);
      await sleep(delay, this.stop.signal);
    }
  }

  /** One call, until it fails or ends: err null when the gateway ended it cleanly. */
  private runOnce(): Promise<{ err: HearsayError | null; healthy: boolean; fatal: boolean }> {
    return new Promise((resolve) => {
      let call: grpc.ClientReadableStream<unknown>;
      try {
        call = this.spec.open();
      } catch (e) {
        return resolve({ err: fromGrpcError(e), healthy: false, fatal: true });
      }
      this.call = call;
      this.paused = false;
      let healthy = false;
      let settled = false;
      let idle: NodeJS.Timeout | undefined;
      const settle = (err: HearsayError | null, fatal = false) => {
        if (settled) return;
        settled = true;
        clearTimeout(idle);
        if (this.call === call) this.call = null;
        call.cancel();
        resolve({ err, healthy, fatal });
      };
      const armIdle = (): void => {
        if (this.spec.idleTimeoutMs <= 0) return;
        clearTimeout(idle);
        // Silence while we hold the call paused is our doing, not a dead stream.
        const expire = () =>
          this.paused
            ? armIdle()
            : settle(new Unavailable(`no message from the gateway for ${this.spec.idleTimeoutMs} ms`));
        idle = setTimeout(expire, this.spec.idleTimeoutMs);
        idle.unref();
      };
      call.on("data", (r: unknown) => {
        if (settled) return;
        healthy = true;
        armIdle();
        let items: Out[];
        try {
          items = this.spec.handle(r);
        } catch (e) {
          return settle(fromGrpcError(e), true);
        }
        for (const item of items) this.queue.push(item);
        if (!this.paused && this.queue.length - this.head >= this.spec.maxQueued) {
          this.paused = true;
          call.pause();
        }
        if (items.length > 0) this.wake();
      });
      call.on("error", (e: unknown) => settle(fromGrpcError(e)));
      call.on("end", () => settle(null));
      armIdle();
    });
  }
}
