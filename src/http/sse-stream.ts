import type { ServerResponse } from 'node:http';

const PING = 'event: ping\ndata: {"type": "ping"}\n\n';

/**
 * An open SSE response: writes pre-encoded events with backpressure and sends a `ping` whenever
 * nothing was written for `pingIntervalMs` (§4.7 item 6), so proxies and clients keep the stream.
 */
export class SseStream {
  private lastWriteAt = Date.now();
  private readonly timer: NodeJS.Timeout;
  private closed = false;
  private wrote = false;

  constructor(
    private readonly response: ServerResponse,
    private readonly pingIntervalMs: number,
    headers: Record<string, string> = {},
  ) {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      ...headers,
    });
    // The headers leave with the first event when one is written at once (one packet, not two);
    // otherwise (buffered /cc/v1 streams) they are flushed on their own right after.
    process.nextTick(() => {
      if (!this.wrote && !this.isClosed) response.flushHeaders();
    });
    const tick = Math.min(1000, pingIntervalMs);
    this.timer = setInterval(() => {
      if (Date.now() - this.lastWriteAt >= this.pingIntervalMs) void this.write(PING);
    }, tick);
    this.timer.unref();
    response.once('close', () => this.stop());
  }

  get isClosed(): boolean {
    return this.closed || this.response.destroyed;
  }

  /** Writes text; resolves when the socket can take more (or at once if it already can). */
  write(text: string): Promise<void> {
    if (this.isClosed || text.length === 0) return Promise.resolve();
    this.lastWriteAt = Date.now();
    this.wrote = true;
    if (this.response.write(text)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.response.off('drain', done);
        this.response.off('close', done);
        resolve();
      };
      this.response.once('drain', done);
      this.response.once('close', done);
    });
  }

  end(): void {
    this.stop();
    if (!this.response.writableEnded) this.response.end();
  }

  private stop(): void {
    this.closed = true;
    clearInterval(this.timer);
  }
}
