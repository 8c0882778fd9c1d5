import { Readable, finished } from 'node:stream';

/**
 * Calls `onChunk` for every chunk of `body`, waiting whenever it returns a promise (backpressure).
 * A Node Readable is read through 'data' events: no promise and no extra tick per chunk, unlike
 * async iteration. Like `for await`, it rejects on a stream error or a premature close, and
 * destroys the stream when `onChunk` throws or rejects.
 */
export function forEachChunk(
  body: AsyncIterable<Uint8Array>,
  onChunk: (chunk: Uint8Array) => Promise<void> | undefined,
): Promise<void> {
  if (!(body instanceof Readable)) return iterate(body, onChunk);
  return new Promise((resolve, reject) => {
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      body.off('data', onData);
      body.destroy();
      reject(error instanceof Error ? error : new Error(String(error)));
    };
    const onData = (chunk: Uint8Array) => {
      let pending: Promise<void> | undefined;
      try {
        pending = onChunk(chunk);
      } catch (error) {
        fail(error);
        return;
      }
      if (pending === undefined) return;
      body.pause();
      pending.then(() => {
        if (!failed) body.resume();
      }, fail);
    };
    body.on('data', onData);
    finished(body, (error) => {
      if (error) fail(error);
      else if (!failed) resolve();
    });
  });
}

async function iterate(
  body: AsyncIterable<Uint8Array>,
  onChunk: (chunk: Uint8Array) => Promise<void> | undefined,
): Promise<void> {
  for await (const chunk of body) await onChunk(chunk);
}
