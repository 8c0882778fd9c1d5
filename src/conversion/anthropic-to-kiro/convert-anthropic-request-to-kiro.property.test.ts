import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMessagesRequest } from '../../protocols/anthropic/messages-request.js';
import { sequentialIds } from '../../shared/clock.js';
import { InvalidRequestError, PromptTooLongError } from '../../shared/errors.js';
import type { ConversionContext } from './conversion-context.js';
import { convertAnthropicRequestToKiro } from './convert-anthropic-request-to-kiro.js';
import { jpegBase64, pngBase64 } from '../../../test/helpers/test-images.js';
import { validateKiroRequest } from './validate-kiro-request.js';

// Random messy Anthropic histories: the converted request must always satisfy the upstream's rules.

const LONG_NAME = 'mcp__plugin_some-marketplace_server__a_very_long_tool_name_that_exceeds_limits';
const TOOL_NAMES = ['Read', 'Bash', 'read', LONG_NAME, 'get_weather', 'Undeclared'];
const IDS = ['toolu_1', 'toolu_2', 'toolu_3', 'toolu_4', ''];
const images = [pngBase64(2, 2), jpegBase64(8, 8)];

const text = fc.constantFrom(
  '',
  ' ',
  '{',
  'hello',
  'Fix the bug in main.ts',
  '<system-reminder>x</system-reminder>',
  'long '.repeat(150),
);
const textBlock = text.map((value) => ({ type: 'text', text: value }));
const imageBlock = fc
  .record({
    data: fc.constantFrom(...images),
    label: fc.constantFrom('image/png', 'image/jpeg', 'image/webp'),
  })
  .map(({ data, label }) => ({ type: 'image', source: { type: 'base64', media_type: label, data } }));
const toolResultBlock = fc
  .record({
    id: fc.constantFrom(...IDS),
    content: fc.oneof(text, fc.array(fc.oneof(textBlock, imageBlock), { maxLength: 2 })),
    isError: fc.boolean(),
  })
  .map(({ id, content, isError }) => ({ type: 'tool_result', tool_use_id: id, content, is_error: isError }));
const toolUseBlock = fc
  .record({
    id: fc.constantFrom(...IDS),
    name: fc.constantFrom(...TOOL_NAMES),
    input: fc.oneof(fc.constant({ a: 1 }), fc.constant('{"b":2}'), fc.constant(null)),
  })
  .map(({ id, name, input }) => ({ type: 'tool_use', id, name, input }));
const thinkingBlock = fc.constantFrom(
  { type: 'thinking', thinking: 'reasoning', signature: 'sig' },
  { type: 'thinking', thinking: '', signature: 'sig' },
  { type: 'redacted_thinking', data: 'opaque' },
);
const documentBlock = fc.constant({
  type: 'document',
  source: { type: 'text', media_type: 'text/plain', data: 'doc' },
});

const userContent = fc.oneof(
  text,
  fc.array(fc.oneof(textBlock, imageBlock, toolResultBlock, documentBlock), { maxLength: 4 }),
);
const assistantContent = fc.oneof(
  text,
  fc.array(
    fc.oneof(
      textBlock,
      thinkingBlock,
      toolUseBlock,
      fc.constant({ type: 'server_tool_use', id: 's', name: 'web_search', input: {} }),
    ),
    {
      maxLength: 4,
    },
  ),
);
const systemContent = fc.oneof(
  text,
  fc.array(
    textBlock.map((block) => ({ ...block, cache_control: { type: 'ephemeral' } })),
    { maxLength: 2 },
  ),
);

/** A well-formed tool exchange, so that valid pairs exist for trimming and merging to preserve. */
const exchange = fc
  .record({
    id: fc.constantFrom(...IDS.slice(0, 4)),
    name: fc.constantFrom(...TOOL_NAMES),
    output: text,
    image: fc.option(imageBlock),
  })
  .map(({ id, name, output, image }) => [
    { role: 'assistant', content: [{ type: 'tool_use', id, name, input: {} }] },
    {
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: id, content: output }, ...(image ? [image] : [])],
    },
  ]);
const message = fc.oneof(
  { weight: 4, arbitrary: userContent.map((content) => [{ role: 'user', content }]) },
  { weight: 4, arbitrary: assistantContent.map((content) => [{ role: 'assistant', content }]) },
  { weight: 3, arbitrary: exchange },
  {
    weight: 1,
    arbitrary: fc
      .record({ role: fc.constantFrom('system', 'developer'), content: systemContent })
      .map((m) => [m]),
  },
);

const tool = fc.constantFrom(...TOOL_NAMES.slice(0, 5)).map((name) => ({
  name,
  description: name === 'Bash' ? '' : `The ${name} tool`,
  input_schema:
    name === 'Read'
      ? { type: 'object', properties: null, required: null }
      : { type: 'object', properties: {} },
}));
const serverTool = fc.constant({ type: 'web_search_20250305', name: 'web_search', max_uses: 3 });

const request = fc.record(
  {
    model: fc.constantFrom(
      'claude-sonnet-4-5',
      'claude-opus-4-6-thinking',
      'sonnet',
      'claude-haiku-4-5-20251001',
    ),
    max_tokens: fc.constant(1024),
    system: fc.option(systemContent, { nil: undefined }),
    tools: fc.option(fc.array(fc.oneof(tool, serverTool), { maxLength: 6 }), { nil: undefined }),
    tool_choice: fc.option(
      fc.constantFrom(
        { type: 'auto' },
        { type: 'any' },
        { type: 'none' },
        { type: 'tool', name: 'Read' },
        { type: 'tool', name: 'web_search' },
      ),
      { nil: undefined },
    ),
    thinking: fc.option(
      fc.constantFrom(
        { type: 'enabled', budget_tokens: 100_000 },
        { type: 'adaptive' },
        { type: 'disabled' },
      ),
      {
        nil: undefined,
      },
    ),
    metadata: fc.option(
      fc.constantFrom({ user_id: 'user_x_account_y_session_abc' }, { user_id: '{"session_id":"s-1"}' }),
      {
        nil: undefined,
      },
    ),
    messages: fc.array(message, { minLength: 1, maxLength: 10 }).map((groups) => groups.flat()),
  },
  { requiredKeys: ['model', 'max_tokens', 'messages'] },
);

function context(maxUpstreamBodyBytes: number): ConversionContext {
  return { newId: sequentialIds(), modelMapping: {}, maxUpstreamBodyBytes, payloadGuard: 'trim' };
}

describe('convertAnthropicRequestToKiro on random messy histories', () => {
  it('always produces an upstream-valid, deterministic request (or a clear client error)', () => {
    fc.assert(
      fc.property(request, fc.constantFrom(600_000, 6_000, 3_500), (body, limit) => {
        const parsed = parseMessagesRequest(body);
        let result;
        try {
          result = convertAnthropicRequestToKiro(parsed, context(limit));
        } catch (error) {
          if (error instanceof PromptTooLongError) return;
          if (
            error instanceof InvalidRequestError &&
            /at least one user or assistant message/.test(error.message)
          )
            return;
          throw error;
        }
        expect(validateKiroRequest(result.request, { maxBodyBytes: limit })).toEqual([]);
        for (const [short, original] of result.toolNameMap) {
          expect(short.length).toBeLessThanOrEqual(63);
          expect(original.length).toBeGreaterThan(63);
        }
        expect(convertAnthropicRequestToKiro(parsed, context(limit)).request).toEqual(result.request);
      }),
      { numRuns: 400 },
    );
  });
});
