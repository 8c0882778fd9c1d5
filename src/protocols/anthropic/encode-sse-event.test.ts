import { describe, expect, it } from 'vitest';
import { parseSse, SseParser } from '../../../test/helpers/parse-sse.js';
import { encodeSseEvent } from './encode-sse-event.js';
import type { AnthropicStreamEvent } from './stream-events.js';

const events: AnthropicStreamEvent[] = [
  { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
  {
    type: 'content_block_delta',
    index: 0,
    delta: { type: 'text_delta', text: 'line 1\nline 2\r\n\n😀 中文 \u2028' },
  },
  { type: 'ping' },
  { type: 'content_block_stop', index: 0 },
  { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
];

describe('encodeSseEvent', () => {
  it('writes one event line and one compact data line', () => {
    expect(encodeSseEvent({ type: 'content_block_stop', index: 3 })).toBe(
      'event: content_block_stop\ndata: {"type":"content_block_stop","index":3}\n\n',
    );
  });

  it('writes ping exactly as Anthropic does', () => {
    expect(encodeSseEvent({ type: 'ping' })).toBe('event: ping\ndata: {"type": "ping"}\n\n');
  });

  it('keeps line breaks inside strings escaped', () => {
    const frame = encodeSseEvent(events[1]!);
    expect(frame.split('\n')).toHaveLength(4);
  });
});

describe('parseSse', () => {
  const body = events.map(encodeSseEvent).join('');
  const expected = events.map((event) => ({ event: event.type, data: event }));

  it('round-trips encoded events', () => {
    expect(parseSse(body)).toEqual(expected);
  });

  it('gives the same messages for a body split at every offset', () => {
    for (let offset = 0; offset <= body.length; offset += 1) {
      expect(parseSse([body.slice(0, offset), body.slice(offset)])).toEqual(expected);
    }
  });

  it('handles CRLF split between chunks, comments, multi-line data and a missing final blank line', () => {
    const parser = new SseParser();
    const out = [
      ...parser.push(': keep-alive\r'),
      ...parser.push('\nevent: a\r'),
      ...parser.push('\ndata: {"x":\r\ndata: 1}\r\n\r\n'),
      ...parser.push('data: plain'),
      ...parser.end(),
    ];
    expect(out).toEqual([
      { event: 'a', data: { x: 1 } },
      { event: 'message', data: 'plain' },
    ]);
  });
});
