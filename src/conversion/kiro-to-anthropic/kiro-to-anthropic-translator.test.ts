import { describe, expect, it, vi } from 'vitest';
import { checkAnthropicEventGrammar } from '../../protocols/anthropic/event-grammar.js';
import type { AnthropicStreamEvent } from '../../protocols/anthropic/stream-events.js';
import type { KiroEvent } from '../../upstream/event-stream/kiro-event.js';
import { aggregateMessage } from './aggregate-message.js';
import { classifyStreamException } from './classify-stream-exception.js';
import type { KiroToAnthropicOptions } from './kiro-to-anthropic-translator.js';
import { EMPTY_ANSWER_MESSAGE, KiroToAnthropicTranslator } from './kiro-to-anthropic-translator.js';
import { patchMessageStartInputTokens } from './patch-message-start-input-tokens.js';

const countByLength = (text: string): number => Math.ceil(text.length / 4);

function options(overrides: Partial<KiroToAnthropicOptions> = {}): KiroToAnthropicOptions {
  return {
    messageId: 'msg_test',
    model: 'claude-sonnet-4-5',
    inputTokens: 500,
    contextWindow: 200_000,
    thinking: false,
    toolNameMap: new Map(),
    countTokens: countByLength,
    ...overrides,
  };
}

function run(events: readonly KiroEvent[], overrides: Partial<KiroToAnthropicOptions> = {}) {
  const translator = new KiroToAnthropicTranslator(options(overrides));
  const output = [
    ...translator.start(),
    ...events.flatMap((event) => translator.push(event)),
    ...translator.finish(),
  ];
  expect(checkAnthropicEventGrammar(output)).toEqual([]);
  return { translator, output, message: aggregateMessage(output) };
}

const text = (content: string): KiroEvent => ({ type: 'text', content });
const tool = (input: string, stop = false, name = 'Write', toolUseId = 'tooluse_1'): KiroEvent => ({
  type: 'toolUse',
  toolUseId,
  name,
  input,
  stop,
});
const textDeltas = (output: readonly AnthropicStreamEvent[]): string[] =>
  output.flatMap((event) =>
    event.type === 'content_block_delta' && event.delta.type === 'text_delta' ? [event.delta.text] : [],
  );

describe('KiroToAnthropicTranslator', () => {
  it('starts with the requested model, the estimate and all usage fields', () => {
    const [start] = new KiroToAnthropicTranslator(options()).start();
    expect(start).toEqual({
      type: 'message_start',
      message: {
        id: 'msg_test',
        type: 'message',
        role: 'assistant',
        content: [],
        model: 'claude-sonnet-4-5',
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: 500,
          output_tokens: 1,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
        },
      },
    });
  });

  it('passes text through untouched, chunk for chunk, when thinking is off', () => {
    const chunks = ['<thinking>', '\n', 'a', ' b ', '</thinking>\n\n'];
    expect(textDeltas(run(chunks.map(text)).output)).toEqual(chunks);
  });

  it('opens no text block for a tool-only reply', () => {
    const { message } = run([tool('{"a":1}', true)]);
    expect(message.content).toEqual([{ type: 'tool_use', id: 'tooluse_1', name: 'Write', input: { a: 1 } }]);
    expect(message.stop_reason).toBe('tool_use');
  });

  it('counts output tokens once, at the end, over everything generated', () => {
    const countTokens = vi.fn(countByLength);
    const events = Array.from({ length: 1000 }, (_, i) => text(`chunk ${i} `));
    const { translator, message } = run([...events, tool('{"k": "v"}', true)], { countTokens });
    expect(countTokens).toHaveBeenCalledTimes(1);
    const generated =
      events.map((event) => (event.type === 'text' ? event.content : '')).join('') + '{"k": "v"}';
    expect(countTokens).toHaveBeenCalledWith(generated);
    expect(message.usage.output_tokens).toBe(countByLength(generated));
    expect(translator.usage).toEqual(message.usage);
  });

  it('without countTokens, settles the output count later into the message_delta already emitted', () => {
    const { translator, output } = run([text('Hello there.'), { type: 'contextUsage', percentage: 1 }], {
      countTokens: undefined,
    });
    expect(translator.awaitsOutputTokens).toBe(true);
    expect(translator.generatedText).toBe('Hello there.');
    translator.settleOutputTokens(3);
    expect(translator.awaitsOutputTokens).toBe(false);
    const delta = output.find((event) => event.type === 'message_delta');
    // 1 % of 200 000 covers input and output.
    expect(delta?.type === 'message_delta' && delta.usage).toMatchObject({
      output_tokens: 3,
      input_tokens: 1997,
    });
    expect(translator.inputTokens).toBe(1997);
  });

  it('reports at least one output token', () => {
    expect(run([text('hi')], { countTokens: () => 0 }).message.usage.output_tokens).toBe(1);
  });

  it('ends a reply without content with an error event, never an invented assistant message', () => {
    const translator = new KiroToAnthropicTranslator(options({ thinking: true }));
    const output = [
      ...translator.start(),
      ...translator.push({ type: 'metering', usage: 0.01, unit: 'credit' }),
      ...translator.push(text('\n\n')),
      ...translator.finish(),
    ];
    expect(checkAnthropicEventGrammar(output)).toEqual([]);
    expect(output.map((event) => event.type)).toEqual(['message_start', 'error']);
    expect(translator.error).toEqual({ type: 'api_error', message: EMPTY_ANSWER_MESSAGE });
    expect(translator.stopReason).toBeNull();
  });

  it('derives input tokens from contextUsage minus output, and exposes the logging state', () => {
    const { translator, message } = run(
      [
        text('x'.repeat(400)),
        { type: 'metering', usage: 0.25, unit: 'credit' },
        { type: 'metering', usage: 0.125, unit: 'credit' },
        { type: 'contextUsage', percentage: 12.5 },
      ],
      { contextWindow: 1_000_000 },
    );
    expect(message.usage.output_tokens).toBe(100);
    expect(message.usage.input_tokens).toBe(125_000 - 100);
    expect(translator.inputTokens).toBe(124_900);
    expect(translator.credits).toBe(0.375);
    expect(translator.contextUsagePercentage).toBe(12.5);
    expect(translator.stopReason).toBe('end_turn');
  });

  it('keeps the estimate without a (non-zero) contextUsage', () => {
    expect(run([text('hi'), { type: 'contextUsage', percentage: 0 }]).message.usage.input_tokens).toBe(500);
  });

  it('never sends a truncated tool call as tool_use, and tells the model how to retry', () => {
    const partial = '{"file_path": "/tmp/big.ts", "content": "line\\n';
    const { translator, output, message } = run(
      [tool('{"command": "ls"}', true, 'Bash', 'tooluse_ok'), tool(partial)],
      {
        toolNameMap: new Map([['Write', 'Write']]),
      },
    );
    const toolStarts = output.filter(
      (event) => event.type === 'content_block_start' && event.content_block.type === 'tool_use',
    );
    expect(toolStarts).toHaveLength(1);
    expect(message.stop_reason).toBe('max_tokens');
    const notice = message.content.at(-1);
    expect(notice?.type).toBe('text');
    const noticeText = notice?.type === 'text' ? notice.text : '';
    expect(noticeText).toContain('`Write`');
    expect(noticeText).toContain(`${Buffer.byteLength(partial)} bytes`);
    expect(noticeText).toContain('/tmp/big.ts');
    expect(noticeText).toContain('150 lines');
    expect(noticeText).toContain('7 KB');
    expect(translator.toolCallFailures).toEqual([
      { id: 'tooluse_1', name: 'Write', reason: 'truncated', received: partial },
    ]);
  });

  it('names the original tool in the notice and in tool_use blocks', () => {
    const short = 'mcp__long_name_1a2b3c';
    const original = 'mcp__plugin_some_server__a_very_long_tool_name_that_was_shortened_for_kiro';
    const { message } = run(
      [tool('{}', true, short, 'tooluse_a'), tool('{"x": ', false, short, 'tooluse_b')],
      {
        toolNameMap: new Map([[short, original]]),
      },
    );
    expect(message.content[0]).toMatchObject({ type: 'tool_use', name: original });
    expect(message.content[1]).toMatchObject({
      type: 'text',
      text: expect.stringContaining(`\`${original}\``),
    });
  });

  it('drops long exact consecutive duplicates but keeps repeated short tokens', () => {
    const sentence = 'A sentence that the upstream sent twice.';
    const { message } = run([text(sentence), text(sentence), text('ha'), text('ha'), text(sentence)]);
    expect(message.content).toEqual([{ type: 'text', text: `${sentence}haha${sentence}` }]);
  });

  it('does not treat a repeat separated by another event as a duplicate', () => {
    const sentence = 'A sentence that the upstream sent twice.';
    const { message } = run([text(sentence), tool('{}', true, 'Read'), text(sentence)]);
    expect(message.content.filter((block) => block.type === 'text')).toHaveLength(2);
  });

  it('ends with an error event after fail(), and nothing after it', () => {
    const translator = new KiroToAnthropicTranslator(options());
    const output = [...translator.start(), ...translator.push(text('partial'))];
    output.push(...translator.fail({ type: 'api_error', message: 'connection reset' }));
    expect(output.at(-1)).toEqual({
      type: 'error',
      error: { type: 'api_error', message: 'connection reset' },
    });
    expect(translator.finish()).toEqual([]);
    expect(translator.push(text('late'))).toEqual([]);
    expect(translator.fail({ type: 'api_error', message: 'again' })).toEqual([]);
    expect(translator.stopReason).toBeNull();
    expect(translator.error).toEqual({ type: 'api_error', message: 'connection reset' });
    expect(translator.usage?.output_tokens).toBe(2);
    expect(checkAnthropicEventGrammar(output)).toEqual([]);
  });

  it('reports ContentLengthExceeded before content as "prompt is too long"', () => {
    const translator = new KiroToAnthropicTranslator(options({ thinking: true }));
    const output = [
      ...translator.start(),
      ...translator.push(text('\n\n')),
      ...translator.push({
        type: 'exception',
        exceptionType: 'ContentLengthExceededException',
        message: 'Input is too long.',
        reason: undefined,
      }),
    ];
    expect(output.at(-1)).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'prompt is too long: Input is too long.' },
    });
    expect(translator.finish()).toEqual([]);
  });

  it('patches message_start with the final input tokens for buffered mode', () => {
    const { translator, output } = run([text('hello'), { type: 'contextUsage', percentage: 50 }]);
    const patched = patchMessageStartInputTokens(output, translator.inputTokens);
    expect(patched[0]).toMatchObject({ type: 'message_start', message: { usage: { input_tokens: 99_998 } } });
    expect(output[0]).toMatchObject({ message: { usage: { input_tokens: 500 } } });
    expect(patched.slice(1)).toEqual(output.slice(1));
  });

  it('stays linear on long streams', () => {
    const events = Array.from({ length: 20_000 }, (_, i) => text(i % 50 === 0 ? '<' : 'token '));
    const started = performance.now();
    run([text('<thinking>\n'), ...events, text('</thinking>\n\n'), ...events], { thinking: true });
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('classifyStreamException', () => {
  const exception = (exceptionType: string, reason?: string): KiroEvent & { type: 'exception' } => ({
    type: 'exception',
    exceptionType,
    message: 'm',
    reason,
  });

  it('maps exceptions by name and reason', () => {
    expect(classifyStreamException(exception('ContentLengthExceededException'))).toEqual({
      kind: 'context-length',
      message: 'm',
    });
    expect(
      classifyStreamException(exception('ValidationException', 'CONTENT_LENGTH_EXCEEDS_THRESHOLD')).kind,
    ).toBe('context-length');
    const typeOf = (name: string, reason?: string): unknown => {
      const action = classifyStreamException(exception(name, reason));
      return action.kind === 'error' ? action.type : action.kind;
    };
    expect(typeOf('ThrottlingException')).toBe('overloaded_error');
    expect(typeOf('com.amazon.kiro.runtimeservice#ThrottlingException', 'DAILY_REQUEST_COUNT')).toBe(
      'rate_limit_error',
    );
    expect(typeOf('ServiceQuotaExceededException', 'MONTHLY_REQUEST_COUNT')).toBe('rate_limit_error');
    expect(typeOf('InternalServerException')).toBe('api_error');
    expect(typeOf('InternalServerException', 'MODEL_TEMPORARILY_UNAVAILABLE')).toBe('overloaded_error');
    expect(typeOf('ValidationException')).toBe('invalid_request_error');
    expect(typeOf('SomethingNew')).toBe('api_error');
    expect(
      classifyStreamException({ type: 'error', errorCode: 'InternalServerError', message: 'boom' }),
    ).toEqual({
      kind: 'error',
      type: 'api_error',
      message: 'Upstream InternalServerError: boom',
    });
  });
});
