import { describe, expect, it } from 'vitest';
import { AnthropicEventGrammar, checkAnthropicEventGrammar } from './event-grammar.js';
import type { AnthropicStreamEvent, StopReason } from './stream-events.js';

const usage = {
  input_tokens: 10,
  output_tokens: 1,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
};
const START: AnthropicStreamEvent = {
  type: 'message_start',
  message: {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    content: [],
    model: 'm',
    stop_reason: null,
    stop_sequence: null,
    usage,
  },
};
const textStart = (index: number): AnthropicStreamEvent => ({
  type: 'content_block_start',
  index,
  content_block: { type: 'text', text: '' },
});
const textDelta = (index: number, text = 'x'): AnthropicStreamEvent => ({
  type: 'content_block_delta',
  index,
  delta: { type: 'text_delta', text },
});
const stop = (index: number): AnthropicStreamEvent => ({ type: 'content_block_stop', index });
const delta = (stopReason: StopReason = 'end_turn'): AnthropicStreamEvent => ({
  type: 'message_delta',
  delta: { stop_reason: stopReason, stop_sequence: null },
  usage,
});
const MESSAGE_STOP: AnthropicStreamEvent = { type: 'message_stop' };
const PING: AnthropicStreamEvent = { type: 'ping' };
const ERROR: AnthropicStreamEvent = {
  type: 'error',
  error: { type: 'overloaded_error', message: 'Overloaded' },
};

describe('checkAnthropicEventGrammar: valid streams', () => {
  it('accepts text, thinking with a signature, tool use and pings', () => {
    const events: AnthropicStreamEvent[] = [
      START,
      PING,
      {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'thinking', thinking: '', signature: '' },
      },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'hm' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: '' } },
      stop(0),
      textStart(1),
      textDelta(1),
      PING,
      stop(1),
      {
        type: 'content_block_start',
        index: 2,
        content_block: { type: 'tool_use', id: 't', name: 'Read', input: {} },
      },
      { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{}' } },
      stop(2),
      { type: 'content_block_start', index: 3, content_block: { type: 'redacted_thinking', data: 'abc' } },
      stop(3),
      delta('tool_use'),
      PING,
      MESSAGE_STOP,
    ];
    expect(checkAnthropicEventGrammar(events)).toEqual([]);
  });

  it('accepts an error at any point, even first or inside an open block', () => {
    expect(checkAnthropicEventGrammar([ERROR])).toEqual([]);
    expect(checkAnthropicEventGrammar([START, ERROR])).toEqual([]);
    expect(checkAnthropicEventGrammar([START, textStart(0), textDelta(0), ERROR])).toEqual([]);
  });

  it('accepts an empty message only when allowed', () => {
    expect(checkAnthropicEventGrammar([START, delta(), MESSAGE_STOP], { allowEmptyContent: true })).toEqual(
      [],
    );
    expect(checkAnthropicEventGrammar([START, delta(), MESSAGE_STOP])).toEqual([
      '#1 message_delta: the message has no content block',
    ]);
  });
});

describe('checkAnthropicEventGrammar: violations', () => {
  const cases: [string, AnthropicStreamEvent[], string][] = [
    ['empty stream', [], 'end: the stream is empty'],
    ['no message_start first', [PING, START], '#0 ping: the first event must be message_start'],
    ['two message_starts', [START, START], '#1 message_start: message_start may come only once'],
    ['index gap', [START, textStart(1)], '#1 content_block_start: index 1, expected 0'],
    [
      'overlapping blocks',
      [START, textStart(0), textStart(1)],
      '#2 content_block_start: block 0 is still open',
    ],
    ['delta without block', [START, textDelta(0)], '#1 content_block_delta: no block is open for index 0'],
    [
      'delta for another index',
      [START, textStart(0), textDelta(1)],
      '#2 content_block_delta: index 1, but block 0 is open',
    ],
    [
      'delta type mismatch',
      [
        START,
        textStart(0),
        { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{' } },
      ],
      '#2 content_block_delta: input_json_delta in a text block',
    ],
    [
      'thinking after signature',
      [
        START,
        {
          type: 'content_block_start',
          index: 0,
          content_block: { type: 'thinking', thinking: '', signature: '' },
        },
        { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 's' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'late' } },
      ],
      '#3 content_block_delta: thinking_delta after signature_delta',
    ],
    [
      'tool_use with input',
      [
        START,
        {
          type: 'content_block_start',
          index: 0,
          content_block: { type: 'tool_use', id: 't', name: 'n', input: { a: 1 } as never },
        },
      ],
      '#1 content_block_start: tool_use must start with input {}',
    ],
    [
      'stop for another index',
      [START, textStart(0), stop(1)],
      '#2 content_block_stop: index 1, but block 0 is open',
    ],
    [
      'message_delta with an open block',
      [START, textStart(0), delta()],
      '#2 message_delta: block 0 is still open',
    ],
    [
      'two message_deltas',
      [START, textStart(0), stop(0), delta(), delta()],
      '#4 message_delta: message_delta may come only once',
    ],
    [
      'block after message_delta',
      [START, textStart(0), stop(0), delta(), textStart(1)],
      '#4 content_block_start: content_block_start after message_delta',
    ],
    [
      'message_stop without message_delta',
      [START, textStart(0), stop(0), MESSAGE_STOP],
      '#3 message_stop: message_stop must follow message_delta',
    ],
    [
      'event after message_stop',
      [START, textStart(0), stop(0), delta(), MESSAGE_STOP, PING],
      '#5 ping: nothing may follow message_stop',
    ],
    ['event after error', [START, ERROR, MESSAGE_STOP], '#2 message_stop: nothing may follow error'],
    [
      'missing message_stop',
      [START, textStart(0), stop(0), delta()],
      'end: the stream ended without message_stop or error',
    ],
    [
      'non-integer usage',
      [
        START,
        textStart(0),
        stop(0),
        { ...delta(), usage: { ...usage, output_tokens: 1.5 } } as AnthropicStreamEvent,
        MESSAGE_STOP,
      ],
      '#3 message_delta: message_delta usage.output_tokens is 1.5, not a non-negative integer',
    ],
    [
      'missing cache fields',
      [
        {
          ...START,
          message: {
            ...(START as { message: object }).message,
            usage: { input_tokens: 1, output_tokens: 1 },
          },
        } as AnthropicStreamEvent,
      ],
      '#0 message_start: message_start usage.cache_creation_input_tokens is undefined, not a non-negative integer',
    ],
    [
      'unknown stop reason',
      [START, textStart(0), stop(0), delta('stopped' as StopReason), MESSAGE_STOP],
      '#3 message_delta: unknown stop_reason stopped',
    ],
  ];

  it.each(cases)('%s', (_name, events, violation) => {
    expect(checkAnthropicEventGrammar(events)).toContain(violation);
  });
});

describe('AnthropicEventGrammar (incremental)', () => {
  it('reports each violation when the offending event is pushed', () => {
    const grammar = new AnthropicEventGrammar();
    expect(grammar.push(START)).toEqual([]);
    expect(grammar.push(textStart(0))).toEqual([]);
    expect(grammar.push(textStart(1))).toEqual(['#2 content_block_start: block 0 is still open']);
    expect(grammar.push(stop(1))).toEqual([]);
    expect(grammar.push(delta())).toEqual([]);
    expect(grammar.push(MESSAGE_STOP)).toEqual([]);
    expect(grammar.end()).toEqual([]);
    expect(grammar.violations).toEqual(['#2 content_block_start: block 0 is still open']);
  });
});
