import { Readable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { decodeKiroStream } from './decode-kiro-stream.js';
import { EventStreamError } from './event-stream-error.js';
import { encodeEventFrame } from './event-stream-frame.js';
import type { KiroEvent } from './kiro-event.js';

/** The body as undici hands it over: an async iterable of chunks. */
const chunks = (...parts: Uint8Array[]): AsyncIterable<Uint8Array> => Readable.from(parts);

async function collect(body: AsyncIterable<Uint8Array>, events: KiroEvent[], logger?: pino.Logger) {
  for await (const event of decodeKiroStream(body, logger ? { logger } : {})) events.push(event);
}

describe('decodeKiroStream', () => {
  it('passes unknown event types on and logs them at debug level', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(line) });
    const events: KiroEvent[] = [];
    await collect(
      chunks(
        encodeEventFrame('assistantResponseEvent', '{"content":"a"}'),
        encodeEventFrame('brandNewEvent', '{"detail":42}'),
        encodeEventFrame('messageMetadataEvent', '{"conversationId":"c"}'),
      ),
      events,
      logger,
    );
    expect(events.map((event) => event.type)).toEqual(['text', 'unknown', 'ignored']);
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged).toEqual([
      expect.objectContaining({
        level: 20,
        eventType: 'brandNewEvent',
        payload: { detail: 42 },
        msg: 'unknown upstream event',
      }),
    ]);
  });

  it('yields the complete events, then throws a typed error for a truncated tail', async () => {
    const events: KiroEvent[] = [];
    const whole = encodeEventFrame('assistantResponseEvent', '{"content":"kept"}');
    const cut = encodeEventFrame('assistantResponseEvent', '{"content":"lost"}').subarray(0, 20);
    const error = await collect(chunks(whole, cut), events).catch((failure: unknown) => failure);
    expect(events).toEqual([{ type: 'text', content: 'kept' }]);
    expect(error).toBeInstanceOf(EventStreamError);
    expect((error as EventStreamError).code).toBe('truncated');
  });
});
