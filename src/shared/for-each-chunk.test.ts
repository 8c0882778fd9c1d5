import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { forEachChunk } from './for-each-chunk.js';

const bytes = (text: string) => Buffer.from(text);
const text = (chunks: Uint8Array[]) => chunks.map((chunk) => Buffer.from(chunk).toString()).join('|');

describe('forEachChunk', () => {
  it('hands over every chunk of a Readable in order, then resolves', async () => {
    const seen: Uint8Array[] = [];
    await forEachChunk(
      Readable.from([bytes('a'), bytes('b'), bytes('c')], { objectMode: false }),
      (chunk) => {
        seen.push(chunk);
        return undefined;
      },
    );
    expect(text(seen)).toBe('a|b|c');
  });

  it('delivers no further chunk until the returned promise settles', async () => {
    const body = new PassThrough();
    const log: string[] = [];
    let release!: () => void;
    const done = forEachChunk(body, (chunk) => {
      log.push(`chunk ${Buffer.from(chunk).toString()}`);
      if (log.length > 1) return undefined;
      return new Promise<void>((resolve) => (release = resolve));
    });
    body.write('1');
    await new Promise((resolve) => setImmediate(resolve));
    body.end('2');
    await new Promise((resolve) => setImmediate(resolve));
    log.push('released');
    release();
    await done;
    expect(log).toEqual(['chunk 1', 'released', 'chunk 2']);
  });

  it('rejects with the stream error', async () => {
    const body = new PassThrough();
    const done = forEachChunk(body, () => undefined);
    body.destroy(new Error('socket reset'));
    await expect(done).rejects.toThrow('socket reset');
  });

  it('rejects when the stream closes before its end, as for await does', async () => {
    const body = new PassThrough();
    const done = forEachChunk(body, () => undefined);
    body.write('partial');
    body.destroy();
    await expect(done).rejects.toMatchObject({ code: 'ERR_STREAM_PREMATURE_CLOSE' });
  });

  it('destroys the stream and rejects when the callback throws or rejects', async () => {
    const thrown = new PassThrough();
    const done = forEachChunk(thrown, () => {
      throw new Error('corrupt frame');
    });
    thrown.write('x');
    await expect(done).rejects.toThrow('corrupt frame');
    expect(thrown.destroyed).toBe(true);

    const rejected = new PassThrough();
    const later = forEachChunk(rejected, () => Promise.reject(new Error('write failed')));
    rejected.write('x');
    await expect(later).rejects.toThrow('write failed');
    expect(rejected.destroyed).toBe(true);
  });

  it('iterates any other async iterable', async () => {
    async function* chunks() {
      await Promise.resolve();
      yield bytes('x');
      yield bytes('y');
    }
    const seen: Uint8Array[] = [];
    await forEachChunk(chunks(), async (chunk) => {
      await Promise.resolve();
      seen.push(chunk);
    });
    expect(text(seen)).toBe('x|y');
  });
});
