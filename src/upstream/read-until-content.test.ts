import { Readable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { EventStreamError } from './event-stream/event-stream-error.js';
import { encodeEventFrame, encodeExceptionFrame } from './event-stream/event-stream-frame.js';
import type { KiroEvent } from './event-stream/kiro-event.js';
import { answersRequest, failureBeforeContent, readUntilContent } from './read-until-content.js';
import { EmptyAnswerError, UpstreamStreamException } from './upstream-error.js';

const text = (content: string) => encodeEventFrame('assistantResponseEvent', JSON.stringify({ content }));
const metering = () => encodeEventFrame('meteringEvent', '{"unit":"credit","usage":0.01}');
const response = (...parts: Uint8Array[]) => ({ body: Readable.from(parts), destroy: vi.fn() });

async function all(events: AsyncIterable<KiroEvent[]>): Promise<string[][]> {
  const batches: string[][] = [];
  for await (const batch of events) batches.push(batch.map((event) => event.type));
  return batches;
}

describe('readUntilContent', () => {
  it.each([
    ['an empty body', [], 'no event at all'],
    ['metering only', [metering(), metering()], 'only metering'],
    ['blank text only', [text('\n\n')], 'only text'],
  ])('%s is an EmptyAnswerError, and the connection is released', async (_name, parts, detail) => {
    const upstream = response(...parts);
    const error = await readUntilContent(upstream).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EmptyAnswerError);
    expect((error as Error).message).toBe(`Kiro returned an empty answer (${detail})`);
    expect(upstream.destroy).toHaveBeenCalled();
  });

  it('holds metering back until the content, then streams the rest read by read', async () => {
    const stream = await readUntilContent(response(metering(), text('Hi'), text(' there'), metering()));
    expect(await all(stream.events)).toEqual([['metering', 'text'], ['text'], ['metering']]);
  });

  it('a corrupt frame after the content still lets the content out first', async () => {
    const bad = Uint8Array.from(text('never'));
    bad[bad.length - 1]! ^= 0xff;
    const stream = await readUntilContent(response(Buffer.concat([text('Hi'), bad])));
    const batches: KiroEvent[][] = [];
    await expect(
      (async () => {
        for await (const batch of stream.events) batches.push(batch);
      })(),
    ).rejects.toBeInstanceOf(EventStreamError);
    expect(batches).toEqual([[{ type: 'text', content: 'Hi' }]]);
  });

  it('answering events: content and in-stream failures, not metering or blank text', () => {
    expect(answersRequest({ type: 'text', content: ' x ' })).toBe(true);
    expect(answersRequest({ type: 'text', content: ' \n' })).toBe(false);
    expect(answersRequest({ type: 'exception', exceptionType: 'E', message: 'm', reason: undefined })).toBe(
      true,
    );
    expect(answersRequest({ type: 'contextUsage', percentage: 3 })).toBe(false);
  });

  it('a retryable exception before any content is thrown as its HTTP twin, and the connection released', async () => {
    const throttle = encodeExceptionFrame(
      'ThrottlingException',
      JSON.stringify({ message: 'slow down', reason: 'DAILY_REQUEST_COUNT' }),
    );
    const upstream = response(metering(), throttle, text('late'));
    const error = await readUntilContent(upstream).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UpstreamStreamException);
    expect(error).toMatchObject({
      status: 429,
      parsed: { exceptionType: 'ThrottlingException', reason: 'DAILY_REQUEST_COUNT' },
    });
    expect((error as Error).message).toBe(
      'Kiro sent ThrottlingException (DAILY_REQUEST_COUNT) before any content: slow down',
    );
    expect(upstream.destroy).toHaveBeenCalled();
  });

  it('maps exception frames by name: throttling 429, unavailable 503, the rest 500; deterministic ones pass', () => {
    const exception = (exceptionType: string, reason?: string) =>
      failureBeforeContent({ type: 'exception', exceptionType, message: 'm', reason })?.status;
    expect(exception('com.amazon.aws.codewhisperer#ThrottlingException')).toBe(429);
    expect(exception('ServiceUnavailableException')).toBe(503);
    expect(exception('InternalServerException')).toBe(500);
    expect(exception('SomethingNew')).toBe(500);
    expect(failureBeforeContent({ type: 'error', errorCode: 'InternalFailure', message: 'm' })?.status).toBe(
      500,
    );
    expect(exception('ContentLengthExceededException')).toBeUndefined();
    expect(exception('ThrottlingException', 'CONTENT_LENGTH_EXCEEDS_THRESHOLD')).toBeUndefined();
    expect(exception('ValidationException')).toBeUndefined();
    expect(failureBeforeContent({ type: 'text', content: 'x' })).toBeUndefined();
  });
});
