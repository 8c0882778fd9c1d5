import { describe, expect, it } from 'vitest';
import type { AnthropicStreamEvent } from '../../protocols/anthropic/stream-events.js';
import { GatewayError } from '../../shared/errors.js';
import { aggregateMessage } from './aggregate-message.js';

const usage = {
  input_tokens: 10,
  output_tokens: 1,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
};
const start: AnthropicStreamEvent = {
  type: 'message_start',
  message: {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    content: [],
    model: 'claude-opus-4-5',
    stop_reason: null,
    stop_sequence: null,
    usage,
  },
};
const end: AnthropicStreamEvent[] = [
  {
    type: 'message_delta',
    delta: { stop_reason: 'tool_use', stop_sequence: null },
    usage: { ...usage, input_tokens: 42, output_tokens: 7 },
  },
  { type: 'message_stop' },
];

describe('aggregateMessage', () => {
  it('folds thinking, text and tool blocks, with the final usage and stop reason', () => {
    const message = aggregateMessage([
      start,
      { type: 'ping' },
      {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'thinking', thinking: '', signature: '' },
      },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'hm' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'm' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'sig' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Hi ' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'there' } },
      { type: 'content_block_stop', index: 1 },
      {
        type: 'content_block_start',
        index: 2,
        content_block: { type: 'tool_use', id: 'tooluse_1', name: 'Read', input: {} },
      },
      {
        type: 'content_block_delta',
        index: 2,
        delta: { type: 'input_json_delta', partial_json: '{"path":' },
      },
      { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: ' "a"}' } },
      { type: 'content_block_stop', index: 2 },
      {
        type: 'content_block_start',
        index: 3,
        content_block: { type: 'tool_use', id: 'tooluse_2', name: 'List', input: {} },
      },
      { type: 'content_block_stop', index: 3 },
      ...end,
    ]);
    expect(message).toEqual({
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-opus-4-5',
      content: [
        { type: 'thinking', thinking: 'hmm', signature: 'sig' },
        { type: 'text', text: 'Hi there' },
        { type: 'tool_use', id: 'tooluse_1', name: 'Read', input: { path: 'a' } },
        { type: 'tool_use', id: 'tooluse_2', name: 'List', input: {} },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: {
        input_tokens: 42,
        output_tokens: 7,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
      },
    });
  });

  it('throws a GatewayError with the HTTP status of an error event', () => {
    const cases = [
      ['invalid_request_error', 400],
      ['rate_limit_error', 429],
      ['overloaded_error', 529],
      ['api_error', 502],
      ['something_else', 502],
    ] as const;
    for (const [type, status] of cases) {
      let thrown: unknown;
      try {
        aggregateMessage([start, { type: 'error', error: { type, message: 'prompt is too long: x' } }]);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(GatewayError);
      expect(thrown).toMatchObject({ status, message: 'prompt is too long: x' });
    }
  });

  it('throws when the stream stops before message_stop', () => {
    expect(() => aggregateMessage([start])).toThrow(/before the message was complete/);
    expect(() => aggregateMessage([])).toThrow(GatewayError);
  });

  it('refuses tool input that is not a JSON object', () => {
    expect(() =>
      aggregateMessage([
        start,
        {
          type: 'content_block_start',
          index: 0,
          content_block: { type: 'tool_use', id: 't', name: 'W', input: {} },
        },
        { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"a"' } },
        { type: 'content_block_stop', index: 0 },
        ...end,
      ]),
    ).toThrow(/not a JSON object/);
  });
});
