import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { EventStreamError } from './event-stream-error.js';
import type { EventStreamFrame } from './event-stream-frame.js';
import { encodeEventFrame, encodeExceptionFrame, encodeFrame, headerString } from './event-stream-frame.js';
import { FrameDecoder } from './frame-decoder.js';
import { parseKiroEvent } from './kiro-event.js';

const hex = (text: string): Uint8Array => Uint8Array.from(text.split(' ').map((byte) => parseInt(byte, 16)));

// Protocol §4.3, byte for byte.
const VECTOR_A = hex(
  '00 00 00 7c 00 00 00 5c 3b dd cf 78 0b 3a 65 76 65 6e 74 2d 74 79 70 65 07 00 16 61 73 73 69 73 74 61 6e 74 52 65 73 70 6f 6e 73 65 45 76 65 6e 74 0d 3a 63 6f 6e 74 65 6e 74 2d 74 79 70 65 07 00 10 61 70 70 6c 69 63 61 74 69 6f 6e 2f 6a 73 6f 6e 0d 3a 6d 65 73 73 61 67 65 2d 74 79 70 65 07 00 05 65 76 65 6e 74 7b 22 63 6f 6e 74 65 6e 74 22 3a 22 48 69 22 7d b0 2b ab dc',
);
const VECTOR_B = hex(
  '00 00 00 9c 00 00 00 52 f4 b1 25 a0 0b 3a 65 76 65 6e 74 2d 74 79 70 65 07 00 0c 74 6f 6f 6c 55 73 65 45 76 65 6e 74 0d 3a 63 6f 6e 74 65 6e 74 2d 74 79 70 65 07 00 10 61 70 70 6c 69 63 61 74 69 6f 6e 2f 6a 73 6f 6e 0d 3a 6d 65 73 73 61 67 65 2d 74 79 70 65 07 00 05 65 76 65 6e 74 7b 22 73 74 6f 70 22 3a 74 72 75 65 2c 22 6e 61 6d 65 22 3a 22 67 65 74 5f 77 65 61 74 68 65 72 22 2c 22 74 6f 6f 6c 55 73 65 49 64 22 3a 22 74 6f 6f 6c 75 73 65 5f 31 22 7d ea 19 8e bb',
);
const VECTOR_C = hex(
  '00 00 00 9c 00 00 00 6c 35 d0 38 0b 0f 3a 65 78 63 65 70 74 69 6f 6e 2d 74 79 70 65 07 00 1e 43 6f 6e 74 65 6e 74 4c 65 6e 67 74 68 45 78 63 65 65 64 65 64 45 78 63 65 70 74 69 6f 6e 0d 3a 63 6f 6e 74 65 6e 74 2d 74 79 70 65 07 00 10 61 70 70 6c 69 63 61 74 69 6f 6e 2f 6a 73 6f 6e 0d 3a 6d 65 73 73 61 67 65 2d 74 79 70 65 07 00 09 65 78 63 65 70 74 69 6f 6e 7b 22 6d 65 73 73 61 67 65 22 3a 22 49 6e 70 75 74 20 69 73 20 74 6f 6f 20 6c 6f 6e 67 2e 22 7d e5 ed f7 a0',
);
const ALL = concat(VECTOR_A, VECTOR_B, VECTOR_C);

function concat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((part) => [...part]));
}

function decodeChunks(chunks: Uint8Array[]): EventStreamFrame[] {
  const decoder = new FrameDecoder();
  const frames = chunks.flatMap((chunk) => decoder.push(chunk));
  decoder.end();
  return frames;
}

function decodeError(chunks: Uint8Array[]): EventStreamError {
  try {
    decodeChunks(chunks);
  } catch (error) {
    expect(error).toBeInstanceOf(EventStreamError);
    return error as EventStreamError;
  }
  throw new Error('expected an EventStreamError');
}

const text = (frame: EventStreamFrame) => new TextDecoder().decode(frame.payload);

describe('FrameDecoder: the §4.3 vectors', () => {
  it('decodes vector A exactly, and our encoder produces the same bytes', () => {
    const [frame] = decodeChunks([VECTOR_A]);
    expect(headerString(frame!, ':event-type')).toBe('assistantResponseEvent');
    expect(headerString(frame!, ':content-type')).toBe('application/json');
    expect(headerString(frame!, ':message-type')).toBe('event');
    expect(text(frame!)).toBe('{"content":"Hi"}');
    expect(parseKiroEvent(frame!)).toEqual({ type: 'text', content: 'Hi' });
    expect(encodeEventFrame('assistantResponseEvent', '{"content":"Hi"}')).toEqual(VECTOR_A);
  });

  it('decodes vector B (a tool use stop event)', () => {
    const [frame] = decodeChunks([VECTOR_B]);
    expect(parseKiroEvent(frame!)).toEqual({
      type: 'toolUse',
      toolUseId: 'tooluse_1',
      name: 'get_weather',
      input: '',
      stop: true,
    });
    expect(
      encodeEventFrame('toolUseEvent', '{"stop":true,"name":"get_weather","toolUseId":"tooluse_1"}'),
    ).toEqual(VECTOR_B);
  });

  it('decodes vector C (an in-stream exception)', () => {
    const [frame] = decodeChunks([VECTOR_C]);
    expect(headerString(frame!, ':message-type')).toBe('exception');
    expect(parseKiroEvent(frame!)).toEqual({
      type: 'exception',
      exceptionType: 'ContentLengthExceededException',
      message: 'Input is too long.',
      reason: undefined,
    });
    expect(
      encodeExceptionFrame('ContentLengthExceededException', '{"message":"Input is too long."}'),
    ).toEqual(VECTOR_C);
  });
});

describe('FrameDecoder: chunking', () => {
  const expected = decodeChunks([ALL]).map(text);

  it('gives the same frames when the three vectors are cut at any single byte', () => {
    for (let cut = 0; cut <= ALL.length; cut++) {
      expect(decodeChunks([ALL.subarray(0, cut), ALL.subarray(cut)]).map(text)).toEqual(expected);
    }
  });

  it('gives the same frames when every byte arrives alone', () => {
    expect(decodeChunks([...ALL].map((byte) => Uint8Array.of(byte))).map(text)).toEqual(expected);
  });

  it('keeps multi-byte UTF-8 intact whatever byte the chunks split it at', () => {
    const contents = ['héllo 世界 🎉 — ✓', '🎉🎉', 'ünïcödé'];
    const stream = concat(
      ...contents.map((content) => encodeEventFrame('assistantResponseEvent', JSON.stringify({ content }))),
    );
    const expectedEvents = contents.map((content) => ({ type: 'text', content }));
    for (let cut = 1; cut < stream.length; cut++) {
      const events = decodeChunks([stream.subarray(0, cut), stream.subarray(cut)]).map(parseKiroEvent);
      expect(events).toEqual(expectedEvents);
    }
    const bytewise = decodeChunks([...stream].map((byte) => Uint8Array.of(byte))).map(parseKiroEvent);
    expect(bytewise).toEqual(expectedEvents);
  });

  it('ignores empty chunks', () => {
    expect(decodeChunks([new Uint8Array(0), VECTOR_A, new Uint8Array(0)]).map(text)).toEqual([
      '{"content":"Hi"}',
    ]);
  });
});

describe('FrameDecoder: corruption is a typed error', () => {
  const flip = (bytes: Uint8Array, index: number): Uint8Array => {
    const copy = Uint8Array.from(bytes);
    copy[index]! ^= 0x01;
    return copy;
  };

  it('a bad message CRC', () => {
    expect(decodeError([flip(VECTOR_A, VECTOR_A.length - 1)]).code).toBe('message_crc');
  });

  it('a flipped payload byte (detected by the message CRC)', () => {
    expect(decodeError([flip(VECTOR_A, VECTOR_A.length - 8)]).code).toBe('message_crc');
  });

  it('a bad prelude CRC, even when the corrupt length would make it wait for more bytes', () => {
    expect(decodeError([flip(VECTOR_A, 10)]).code).toBe('prelude_crc');
    expect(decodeError([flip(VECTOR_A, 1)]).code).toBe('prelude_crc');
  });

  it('a corrupt frame after good ones still yields the good ones first', () => {
    const decoder = new FrameDecoder();
    expect(decoder.push(VECTOR_A)).toHaveLength(1);
    expect(() => decoder.push(flip(VECTOR_B, VECTOR_B.length - 2))).toThrow(EventStreamError);
  });

  it('good frames in the same chunk as a corrupt one come out; the error follows on the next call', () => {
    const chunk = Buffer.concat([VECTOR_A, flip(VECTOR_B, VECTOR_B.length - 2)]);
    const decoder = new FrameDecoder();
    expect(decoder.push(chunk)).toHaveLength(1);
    expect(() => decoder.end()).toThrow(EventStreamError);
    const next = new FrameDecoder();
    next.push(chunk);
    expect(() => next.push(VECTOR_A)).toThrow(EventStreamError);
  });

  it('an impossible length with a valid prelude CRC', () => {
    const prelude = new Uint8Array(12);
    const view = new DataView(prelude.buffer);
    view.setUint32(0, 8); // shorter than the 16-byte minimum
    view.setUint32(4, 0);
    view.setUint32(8, crc32(prelude.subarray(0, 8)));
    expect(decodeError([prelude]).code).toBe('bad_length');
  });

  it('a truncated tail, cut anywhere inside the last frame', () => {
    for (const keep of [1, 11, 12, 40, VECTOR_B.length - 1]) {
      const error = decodeError([VECTOR_A, VECTOR_B.subarray(0, keep)]);
      expect(error.code).toBe('truncated');
      expect(error.message).toContain(`${keep} of`);
    }
  });

  it('an unknown :message-type (a parse error, §4.4)', () => {
    const bytes = encodeFrame({
      headers: { ':message-type': { type: 'string', value: 'surprise' } },
      payload: new TextEncoder().encode('{}'),
    });
    const [frame] = decodeChunks([bytes]);
    expect(() => parseKiroEvent(frame!)).toThrow(EventStreamError);
  });

  it('a header that runs past the headers section', () => {
    // One string header whose value claims 0xffff bytes; both CRCs are valid.
    const headers = concat(Uint8Array.of(3), new TextEncoder().encode('abc'), Uint8Array.of(7, 0xff, 0xff));
    const payload = new TextEncoder().encode('{}');
    const total = 12 + headers.length + payload.length + 4;
    const bytes = new Uint8Array(total);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, total);
    view.setUint32(4, headers.length);
    view.setUint32(8, crc32(bytes.subarray(0, 8)));
    bytes.set(headers, 12);
    bytes.set(payload, 12 + headers.length);
    view.setUint32(total - 4, crc32(bytes.subarray(0, total - 4)));
    expect(decodeError([bytes]).code).toBe('bad_header');
  });

  it('decodes frames with non-string headers (through the AWS codec)', () => {
    const bytes = encodeFrame({
      headers: {
        ':event-type': { type: 'string', value: 'assistantResponseEvent' },
        ':message-type': { type: 'string', value: 'event' },
        attempt: { type: 'integer', value: 7 },
        cached: { type: 'boolean', value: true },
      },
      payload: new TextEncoder().encode('{"content":"Hi"}'),
    });
    for (let cut = 1; cut < bytes.length; cut += 7) {
      const [frame] = decodeChunks([bytes.subarray(0, cut), bytes.subarray(cut)]);
      expect(frame!.headers.attempt).toEqual({ type: 'integer', value: 7 });
      expect(frame!.headers.cached).toEqual({ type: 'boolean', value: true });
      expect(parseKiroEvent(frame!)).toEqual({ type: 'text', content: 'Hi' });
    }
  });

  it('keeps unknown event types as values instead of dropping them', () => {
    const [frame] = decodeChunks([encodeEventFrame('brandNewEvent', '{"x":1}')]);
    expect(parseKiroEvent(frame!)).toEqual({
      type: 'unknown',
      eventType: 'brandNewEvent',
      payload: { x: 1 },
    });
  });
});
