// Input a new user or an attacker might send: JSON nested 10 000 levels deep anywhere in the request,
// and names a megabyte long. Each is a 4xx naming the field, with a short body; never a 500.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../src/shared/json-depth.js';
import { MAX_QUOTED_CHARACTERS } from '../../src/shared/quote-input.js';
import { collectSse, post } from '../helpers/collect-sse.js';
import type { Stack } from '../helpers/start-stack.js';
import { startStack } from '../helpers/start-stack.js';

const MODEL = 'claude-sonnet-4-6';
/** Stands in the SDK's body for a value too deep for JSON.stringify; swapped for raw JSON text on the way out. */
const DEEP = '@@deep@@';
const DEEP_JSON = '['.repeat(10_000) + '1' + ']'.repeat(10_000);

/** An SDK client whose requests carry DEEP_JSON wherever the params say DEEP. */
function deepClient(stack: Stack): Anthropic {
  return new Anthropic({
    baseURL: stack.url,
    apiKey: stack.apiKey,
    maxRetries: 0,
    fetch: (url, init) =>
      fetch(url, { ...init, body: (init?.body as string).replaceAll(JSON.stringify(DEEP), DEEP_JSON) }),
  });
}

const hi = [{ role: 'user' as const, content: 'hi' }];
const toolRound = (input: unknown) => [
  { role: 'user' as const, content: 'go' },
  { role: 'assistant' as const, content: [{ type: 'tool_use' as const, id: 't1', name: 'get', input }] },
  { role: 'user' as const, content: [{ type: 'tool_result' as const, tool_use_id: 't1', content: 'ok' }] },
];

const cases: [string, Record<string, unknown>][] = [
  [
    'tools.0.input_schema',
    { tools: [{ name: 'get', input_schema: { type: 'object', properties: { a: DEEP } } }], messages: hi },
  ],
  ['messages.1.content.0.input', { messages: toolRound({ a: DEEP }) }],
  ['messages.1.content.0.input', { messages: toolRound(`{"a":${DEEP_JSON}}`) }],
  [
    'messages.0.content.0.content.0.data',
    {
      messages: [
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 't1', content: [{ type: 'x', data: DEEP }] }],
        },
      ],
    },
  ],
  ['metadata', { metadata: { user_id: 'u', extra: DEEP }, messages: hi }],
  ['anything', { anything: DEEP, messages: hi }],
];

describe('hostile input', () => {
  let stack: Stack;
  let client: Anthropic;
  beforeAll(async () => {
    stack = await startStack();
    client = deepClient(stack);
  });
  afterAll(() => stack.close());

  async function statusOf(call: Promise<unknown>) {
    const error: unknown = await call.then(
      () => undefined,
      (failure: unknown) => failure,
    );
    if (!(error instanceof Anthropic.APIError))
      throw new Error(`expected an API error, got ${String(error)}`);
    return {
      status: error.status,
      type: error.type,
      message: (error.error as { error: { message: string } }).error.message,
    };
  }

  describe.each(cases)('%s nested 10 000 levels deep', (field, params) => {
    const expected = {
      status: 400,
      type: 'invalid_request_error',
      message: `${field}: nests deeper than ${MAX_JSON_DEPTH} levels (counted from the request body)`,
    };
    const full = { model: MODEL, max_tokens: 32, ...params } as Anthropic.MessageCreateParamsNonStreaming;

    it('messages (streaming and not) answer 400 naming the field', async () => {
      expect(await statusOf(client.messages.create(full))).toEqual(expected);
      expect(await statusOf(client.messages.create({ ...full, stream: true }))).toEqual(expected);
    });

    it('count_tokens answers 400 naming the field', async () => {
      expect(await statusOf(client.messages.countTokens(full))).toEqual(expected);
    });
  });

  it('the deepest accepted tool input still reaches Kiro and counts', async () => {
    // body → messages → message → content → block → input: the input may nest MAX_JSON_DEPTH − 5 levels.
    const levels = MAX_JSON_DEPTH - 5;
    const input = JSON.parse('{"a":'.repeat(levels - 1) + '{}' + '}'.repeat(levels - 1)) as unknown;
    const params = { model: MODEL, max_tokens: 32, messages: toolRound(input) };
    const sse = await collectSse(stack, params);
    expect(sse.violations).toEqual([]);
    const start = sse.events.find((event) => event.type === 'message_start');
    expect((await stack.anthropic.messages.countTokens(params)).input_tokens).toBe(
      start?.type === 'message_start' ? start.message.usage.input_tokens : undefined,
    );
  });

  describe('a 1 MB model name', () => {
    const model = 'm'.repeat(1_000_000);
    const quoted = `${'m'.repeat(MAX_QUOTED_CHARACTERS)}…`;

    it.each(['/v1/messages', '/v1/messages/count_tokens', '/cc/v1/messages'])(
      '%s answers 404 quoting it briefly',
      async (path) => {
        const response = await post(stack, { model, max_tokens: 8, messages: hi }, { path });
        const text = await response.text();
        expect(response.status).toBe(404);
        expect(text.length).toBeLessThan(600);
        const body = JSON.parse(text) as { error: { type: string; message: string } };
        expect(body.error).toEqual({
          type: 'not_found_error',
          message: `model: ${quoted} is not available through Kiro`,
        });
      },
    );

    it('GET /v1/models/{id} answers 404 quoting it briefly', async () => {
      const id = 'm'.repeat(8_000);
      const response = await fetch(`${stack.url}/v1/models/${id}`, {
        headers: { 'x-api-key': stack.apiKey },
      });
      const text = await response.text();
      expect(response.status).toBe(404);
      expect(text.length).toBeLessThan(600);
      expect(text).toContain(`model: ${quoted}`);
    });
  });
});
