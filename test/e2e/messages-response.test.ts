// The response side: stop_reason rules (§4.9), usage (§4.8, hard case 8) and SSE conformance under
// awkward upstream chunking (hard case 5), each checked on the raw stream and through the SDK.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregateMessage } from '../../src/conversion/kiro-to-anthropic/aggregate-message.js';
import type { ScriptStep, SimScript } from '../../src/simulator/script-types.js';
import {
  blockTypes,
  collectSse,
  messageDelta,
  messageStart,
  postJson,
  streamedText,
} from '../helpers/collect-sse.js';
import type { SseResult } from '../helpers/collect-sse.js';
import type { Stack } from '../helpers/start-stack.js';
import { startStack } from '../helpers/start-stack.js';

const MODEL = 'claude-sonnet-4-6';

describe('response shape, stop reasons and usage', () => {
  let stack: Stack;
  let counter = 0;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  /**
   * Streams `script` raw (grammar-checked), then again through the SDK stream, which must fold to
   * the same message.
   */
  async function stream(script: SimScript, extra: Record<string, unknown> = {}): Promise<SseResult> {
    const marker = `response-case-${++counter}`;
    stack.sim.enqueueScript(script, { messageIncludes: marker, times: 2 });
    const body = {
      model: MODEL,
      max_tokens: 256,
      messages: [{ role: 'user' as const, content: marker }],
      ...extra,
    };
    const result = await collectSse(stack, body);
    expect(result.violations).toEqual([]);
    const viaSdk = await stack.anthropic.messages.stream(body).finalMessage();
    const folded = aggregateMessage(result.events);
    // Each upstream reply gets fresh tool ids; everything else must match.
    const withoutIds = (blocks: object[]) => blocks.map((block) => ({ ...block, id: undefined }));
    expect(withoutIds(viaSdk.content)).toEqual(withoutIds(folded.content));
    expect(viaSdk.stop_reason).toBe(folded.stop_reason);
    return result;
  }

  const stopReason = (result: SseResult) => messageDelta(result.events).delta.stop_reason;

  describe('stop_reason (§4.9)', () => {
    it('end_turn for text, tool_use after a tool call', async () => {
      expect(stopReason(await stream({ steps: [{ type: 'text', text: 'Just text.' }] }))).toBe('end_turn');
      const tool = await stream({ steps: [{ type: 'toolUse', name: 'Read', input: { file_path: '/a' } }] });
      expect(stopReason(tool)).toBe('tool_use');
    });

    it('max_tokens for a thinking-only reply, with a minimal text block so the turn is never empty', async () => {
      const result = await stream(
        { steps: [{ type: 'thinking', text: 'Only thinking, then nothing.' }] },
        { thinking: { type: 'adaptive' } },
      );
      expect(stopReason(result)).toBe('max_tokens');
      expect(blockTypes(result.events)).toEqual(['thinking', 'text']);
      expect(streamedText(result.events)).toBe(' ');
    });

    it('model_context_window_exceeded when contextUsage reaches 100 % or the context overflows mid-stream', async () => {
      const full = await stream({
        steps: [
          { type: 'text', text: 'Almost out of room.' },
          { type: 'contextUsage', percentage: 100 },
        ],
      });
      expect(stopReason(full)).toBe('model_context_window_exceeded');
      const overflow = await stream({
        steps: [
          { type: 'text', text: 'Partial answer' },
          { type: 'exception', exceptionType: 'ContentLengthExceededException' },
        ],
      });
      expect(stopReason(overflow)).toBe('model_context_window_exceeded');
      expect(streamedText(overflow.events)).toBe('Partial answer');
    });
  });

  describe('usage', () => {
    it('input_tokens comes from contextUsageEvent: pct × window − output (1 M for Sonnet 4.6, 200 K for Haiku 4.5)', async () => {
      const steps: ScriptStep[] = [
        { type: 'text', text: 'Counting the context.' },
        { type: 'contextUsage', percentage: 2.5 },
      ];
      const large = messageDelta((await stream({ steps })).events).usage;
      expect(large.input_tokens).toBe(25_000 - large.output_tokens);
      const small = messageDelta((await stream({ steps }, { model: 'claude-haiku-4-5' })).events).usage;
      expect(small.input_tokens).toBe(5_000 - small.output_tokens);
    });

    it('without contextUsageEvent input_tokens is the local estimate, the same as count_tokens', async () => {
      const result = await stream({ steps: [{ type: 'text', text: 'No usage event.' }], autoTail: false });
      const start = messageStart(result.events).message.usage.input_tokens;
      expect(messageDelta(result.events).usage.input_tokens).toBe(start);
      const counted = await postJson(
        stack,
        { model: MODEL, messages: [{ role: 'user', content: `response-case-${counter}` }] },
        { path: '/v1/messages/count_tokens' },
      );
      expect(counted.body).toEqual({ input_tokens: start });
    });

    it('output_tokens is counted from the reply, not a constant', async () => {
      const short = messageDelta((await stream({ steps: [{ type: 'text', text: 'Short.' }] })).events).usage;
      const long = messageDelta(
        (
          await stream({
            steps: [{ type: 'text', text: 'A much longer answer that keeps going. '.repeat(20) }],
          })
        ).events,
      ).usage;
      expect(short.output_tokens).toBeGreaterThan(0);
      expect(long.output_tokens).toBeGreaterThan(short.output_tokens * 10);
    });

    it('always reports the cache fields, streaming and not', async () => {
      const result = await stream({ steps: [{ type: 'text', text: 'Cache fields.' }] });
      for (const usage of [messageStart(result.events).message.usage, messageDelta(result.events).usage]) {
        expect(usage).toMatchObject({ cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
      }
      const message = await stack.anthropic.messages.create({
        model: MODEL,
        max_tokens: 64,
        messages: [{ role: 'user', content: 'cache fields please' }],
      });
      expect(message.usage).toMatchObject({ cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
      expect(message.usage.input_tokens).toBeGreaterThan(0);
    });
  });

  describe('hard case 5: SSE conformance under awkward upstream chunking', () => {
    it('does not swallow text around a tool call', async () => {
      const result = await stream({
        steps: [
          { type: 'text', text: 'Before the tool. ' },
          { type: 'toolUse', name: 'Read', input: { file_path: '/b' }, fragments: 5 },
          { type: 'text', text: 'After the tool.' },
        ],
        split: 'random',
      });
      expect(blockTypes(result.events)).toEqual(['text', 'tool_use', 'text']);
      expect(streamedText(result.events)).toBe('Before the tool. After the tool.');
    });

    it('keeps multi-byte UTF-8 intact when frames are cut at every byte', async () => {
      const text = 'Ünïcödé 漢字テキスト 🚀🎉 — done';
      const result = await stream({
        steps: [{ type: 'text', text: [text.slice(0, 9), text.slice(9)] }],
        split: 'every-byte',
      });
      expect(streamedText(result.events)).toBe(text);
    });

    it('drops a long duplicated consecutive content event but keeps short legitimate repeats', async () => {
      const chunk = 'This chunk is long enough to be a glitch. ';
      const result = await stream({
        steps: [
          { type: 'text', text: ['Start. ', chunk] },
          { type: 'duplicate' },
          { type: 'text', text: ['ha'] },
          { type: 'duplicate' },
        ],
      });
      expect(streamedText(result.events)).toBe(`Start. ${chunk}haha`);
    });

    it('a one-shot complete tool input and a no-argument tool stay valid objects', async () => {
      const result = await stream({
        steps: [
          { type: 'toolUse', name: 'Read', fragments: ['{"file_path":"/one-shot"}'] },
          { type: 'toolUse', name: 'Status', fragments: [''] },
        ],
      });
      const inputs = result.events.flatMap((event) =>
        event.type === 'content_block_delta' && event.delta.type === 'input_json_delta'
          ? [event.delta.partial_json]
          : [],
      );
      expect(inputs.map((json) => JSON.parse(json) as unknown)).toEqual([{ file_path: '/one-shot' }, {}]);
    });
  });
});
