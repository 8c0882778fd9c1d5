// Writes a planned event stream to the HTTP response, cutting it into writes per the split mode.

import type { ServerResponse } from 'node:http';
import type { StreamAction } from './plan-stream.js';
import type { SplitMode } from './script-types.js';
import type { SeededRandom } from './seeded-random.js';

export interface StreamWriteOptions {
  split: SplitMode;
  random: SeededRandom;
  /** Aborted when the client leaves or the simulator closes. */
  signal: AbortSignal;
}

/** Decides where HTTP writes end, across the whole body (not per frame). */
class WriteSplitter {
  private offset = 0;
  private readonly boundaries: number[];

  constructor(
    private readonly mode: SplitMode,
    private readonly random: SeededRandom,
  ) {
    this.boundaries = Array.isArray(mode)
      ? [...new Set(mode)].filter((value) => value > 0).sort((a, b) => a - b)
      : [];
  }

  /** Cuts `bytes` (which start at the current body offset) into write-sized pieces. */
  pieces(bytes: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    let start = 0;
    while (start < bytes.length) {
      const size = Math.min(this.nextSize(), bytes.length - start);
      out.push(bytes.subarray(start, start + size));
      start += size;
      this.offset += size;
    }
    return out;
  }

  private nextSize(): number {
    if (this.mode === 'none') return Number.MAX_SAFE_INTEGER;
    if (this.mode === 'every-byte') return 1;
    if (this.mode === 'random') return this.random.int(1, 48);
    const boundary = this.boundaries.find((value) => value > this.offset);
    return boundary === undefined ? Number.MAX_SAFE_INTEGER : boundary - this.offset;
  }
}

/** Writes a chunk; waits only when the socket pushes back. */
function writeChunk(response: ServerResponse, chunk: Uint8Array): Promise<void> | undefined {
  if (response.destroyed || response.writableEnded || response.write(chunk)) return undefined;
  return new Promise((resolve) => {
    const done = (): void => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.once('drain', done);
    response.once('close', done);
  });
}

/** Pauses and hangs for one stream, all ended by its abort signal through a single listener. */
class StreamClock {
  private wake: (() => void) | undefined;
  private readonly onAbort = (): void => this.wake?.();

  constructor(private readonly signal: AbortSignal) {
    signal.addEventListener('abort', this.onAbort, { once: true });
  }

  sleep(ms: number): Promise<void> {
    return this.wait((resolve) => setTimeout(resolve, ms));
  }

  untilAborted(): Promise<void> {
    return this.wait(() => undefined);
  }

  dispose(): void {
    this.signal.removeEventListener('abort', this.onAbort);
  }

  private wait(start: (resolve: () => void) => NodeJS.Timeout | undefined): Promise<void> {
    if (this.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = start(finish);
      this.wake = finish;
    });
  }
}

/** Sends status 200 and the planned body. Resolves when the body is done, dropped or abandoned. */
export async function writeEventStream(
  response: ServerResponse,
  actions: readonly StreamAction[],
  headers: Record<string, string>,
  options: StreamWriteOptions,
): Promise<void> {
  response.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', ...headers });
  response.flushHeaders();
  const splitter = new WriteSplitter(options.split, options.random);
  const clock = new StreamClock(options.signal);
  try {
    for (const action of actions) {
      if (options.signal.aborted || response.destroyed) return;
      switch (action.kind) {
        case 'bytes':
          for (const piece of splitter.pieces(action.bytes)) {
            if (options.signal.aborted) return;
            await writeChunk(response, piece);
            // Let each piece leave as its own packet, so clients really see the split.
            if (options.split !== 'none') await new Promise((resolve) => setImmediate(resolve));
          }
          break;
        case 'delay':
          await clock.sleep(action.ms);
          break;
        case 'hang':
          await clock.untilAborted();
          return;
        case 'close':
          if (action.how === 'destroy') response.destroy();
          else response.end();
          return;
      }
    }
    if (!response.destroyed) response.end();
  } finally {
    clock.dispose();
  }
}
