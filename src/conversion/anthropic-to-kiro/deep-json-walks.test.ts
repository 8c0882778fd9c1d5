// Every walk over client JSON must cope with the deepest request parseMessagesRequest lets through
// (MAX_JSON_DEPTH levels): schema normalisation, the size guard's JSON.stringify, the shape log,
// token counting, the Kiro-request validator and the simulator's schema check.
import { countTextTokens } from '../../tokens/claude-tokenizer.js';
import { describe, expect, it } from 'vitest';
import { parseMessagesRequest } from '../../protocols/anthropic/messages-request.js';
import { sequentialIds } from '../../shared/clock.js';
import { InvalidRequestError } from '../../shared/errors.js';
import { MAX_JSON_DEPTH } from '../../shared/json-depth.js';
import { hasNullStructure } from '../../simulator/validate-tools.js';
import { countKiroRequestTokens } from '../../tokens/count-kiro-request-tokens.js';
import { convertAnthropicRequestToKiro } from './convert-anthropic-request-to-kiro.js';
import { describeKiroRequestShape } from './describe-kiro-request-shape.js';
import { validateKiroRequest } from './validate-kiro-request.js';

/** `{"type":"object","properties":{"a": …}}` nested until the whole body reaches `depth` levels. */
function deepSchema(levels: number): unknown {
  let schema: Record<string, unknown> = { type: 'string' };
  for (let level = 0; level < levels; level += 2) schema = { type: 'object', properties: { a: schema } };
  return schema;
}

function deepValue(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: 1 };
  for (let level = 1; level < levels; level += 1) value = { a: value };
  return value;
}

const context = () => ({
  newId: sequentialIds(),
  modelMapping: {},
  maxUpstreamBodyBytes: 600_000,
  payloadGuard: 'trim' as const,
});

describe('walks over client JSON at the depth limit', () => {
  // body → tools → tool → input_schema is 4 levels; messages → message → content → block → input is 6.
  const body = {
    model: 'claude-sonnet-4-6',
    max_tokens: 16,
    tools: [{ name: 'deep', input_schema: deepSchema(MAX_JSON_DEPTH - 4) }],
    messages: [
      { role: 'user', content: 'go' },
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 't1', name: 'deep', input: deepValue(MAX_JSON_DEPTH - 5) }],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'done' }] },
    ],
  };

  it('parses, converts, validates, describes and counts the deepest accepted request', () => {
    const request = parseMessagesRequest(body);
    const result = convertAnthropicRequestToKiro(request, context());
    expect(validateKiroRequest(result.request, { maxBodyBytes: 600_000 })).toEqual([]);
    expect(describeKiroRequestShape(result.request).tools).toBe(1);
    expect(countKiroRequestTokens(result.request, countTextTokens)).toBeGreaterThan(MAX_JSON_DEPTH);
    const schema =
      result.request.conversationState.currentMessage.userInputMessage.userInputMessageContext?.tools?.[0]
        ?.toolSpecification.inputSchema.json;
    expect(hasNullStructure(schema)).toBe(false);
  });

  it('checks a tool input sent as a JSON string, which the body check cannot see into', () => {
    const nested = '['.repeat(10_000) + ']'.repeat(10_000);
    const request = parseMessagesRequest({
      ...body,
      tools: [],
      messages: [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'x', input: `{"a":${nested}}` }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'done' }] },
      ],
    });
    expect(() => convertAnthropicRequestToKiro(request, context())).toThrow(
      new InvalidRequestError(
        `messages.1.content.0.input: nests deeper than ${MAX_JSON_DEPTH} levels (counted from the request body)`,
      ),
    );
  });

  it('finds a null structure 100 000 levels deep in the simulator without recursion', () => {
    const deep = JSON.parse('{"a":'.repeat(100_000) + '{"required":null}' + '}'.repeat(100_000)) as unknown;
    expect(hasNullStructure(deep)).toBe(true);
  });
});
