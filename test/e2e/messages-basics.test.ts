// Issue 3: the Messages routes over real HTTP — streaming and not, beta query and headers, models,
// count_tokens, auth, and the buffered Claude Code variant /cc/v1.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collectSse,
  getJson,
  messageDelta,
  messageStart,
  post,
  postJson,
  readSse,
  streamedText,
} from '../helpers/collect-sse.js';
import type { Stack } from '../helpers/start-stack.js';
import { startStack } from '../helpers/start-stack.js';
import { chatRequests } from '../helpers/upstream-requests.js';

const MODEL = 'claude-sonnet-4-6';
const hello = (text: string) => ({
  model: MODEL,
  max_tokens: 64,
  messages: [{ role: 'user' as const, content: text }],
});

describe('Messages API basics', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ config: { pingIntervalSeconds: 1 } });
  });
  afterAll(() => stack.close());

  describe('POST /v1/messages', () => {
    it('answers non-streaming through the SDK', async () => {
      const message = await stack.anthropic.messages.create(hello('Hello non-stream'));
      expect(message).toMatchObject({
        type: 'message',
        role: 'assistant',
        model: MODEL,
        stop_reason: 'end_turn',
      });
      expect(message.id).toMatch(/^msg_/);
      expect(message.content).toEqual([{ type: 'text', text: expect.stringContaining('Hello non-stream') }]);
    });

    it('streams a grammatical SSE stream (raw) and a final message (SDK)', async () => {
      const raw = await collectSse(stack, hello('Hello raw stream'));
      expect(raw.status).toBe(200);
      expect(raw.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(raw.violations).toEqual([]);
      expect(streamedText(raw.events)).toContain('Hello raw stream');
      expect(messageDelta(raw.events).delta.stop_reason).toBe('end_turn');

      const message = await stack.anthropic.messages.stream(hello('Hello SDK stream')).finalMessage();
      expect(message.stop_reason).toBe('end_turn');
      expect(message.content[0]).toMatchObject({
        type: 'text',
        text: expect.stringContaining('Hello SDK stream'),
      });
    });

    it('accepts ?beta=true with anthropic-beta and anthropic-version headers', async () => {
      const headers = {
        'anthropic-beta':
          'interleaved-thinking-2025-05-14,context-management-2025-06-27,fine-grained-tool-streaming-2025-05-14',
        'anthropic-version': '2023-06-01',
      };
      const json = await postJson(stack, hello('beta json'), { path: '/v1/messages?beta=true', headers });
      expect(json.status).toBe(200);
      expect(json.body).toMatchObject({ type: 'message', stop_reason: 'end_turn' });
      const sse = await collectSse(stack, hello('beta stream'), { path: '/v1/messages?beta=true', headers });
      expect(sse.violations).toEqual([]);

      const beta = await stack.anthropic.beta.messages.create({
        ...hello('beta via SDK'),
        betas: ['context-management-2025-06-27'],
      });
      expect(beta.content[0]).toMatchObject({ type: 'text', text: expect.stringContaining('beta via SDK') });
    });

    it('returns the same content streaming and non-streaming for the same upstream script', async () => {
      const script = {
        steps: [
          { type: 'text' as const, text: 'Let me look that up.' },
          {
            type: 'toolUse' as const,
            name: 'lookup',
            input: { key: 'alpha', depth: 2 },
            toolUseId: 'tooluse_same0000000000000000',
          },
        ],
      };
      stack.sim.enqueueScript(script, { messageIncludes: 'same-script', times: 2 });
      const request = {
        ...hello('same-script please'),
        tools: [{ name: 'lookup', description: 'Look up a key', input_schema: { type: 'object' as const } }],
      };
      const streamed = await stack.anthropic.messages.stream(request).finalMessage();
      const plain = await stack.anthropic.messages.create(request);
      expect(plain.content).toEqual(streamed.content);
      expect(plain.stop_reason).toBe('tool_use');
      expect(streamed.stop_reason).toBe('tool_use');
      expect(plain.usage.output_tokens).toBe(streamed.usage.output_tokens);
      expect(plain.content[1]).toEqual({
        type: 'tool_use',
        id: 'tooluse_same0000000000000000',
        name: 'lookup',
        input: { key: 'alpha', depth: 2 },
      });
    });
  });

  describe('GET /v1/models', () => {
    it('lists models in the Anthropic list format (raw and SDK)', async () => {
      const raw = await getJson(stack, '/v1/models');
      expect(raw.status).toBe(200);
      const body = raw.body as {
        data: { id: string; type: string }[];
        has_more: boolean;
        first_id: string;
        last_id: string;
      };
      expect(body.has_more).toBe(false);
      expect(body.first_id).toBe(body.data[0]!.id);
      expect(body.last_id).toBe(body.data.at(-1)!.id);
      expect(body.data.every((model) => model.type === 'model')).toBe(true);

      const ids: string[] = [];
      for await (const model of stack.anthropic.models.list()) ids.push(model.id);
      expect(ids).toEqual(body.data.map((model) => model.id));
      expect(ids).toContain(MODEL);
    });

    it('retrieves one model, any routable alias, and 404s an unknown one', async () => {
      const model = await stack.anthropic.models.retrieve(MODEL);
      expect(model).toMatchObject({ type: 'model', id: MODEL, display_name: 'Claude Sonnet 4.6' });
      expect(model.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      const alias = await stack.anthropic.models.retrieve('sonnet');
      expect(alias).toMatchObject({ type: 'model', id: 'sonnet' });
      await expect(stack.anthropic.models.retrieve('gpt-4o')).rejects.toBeInstanceOf(Anthropic.NotFoundError);
      const raw = await getJson(stack, '/v1/models/gpt-4o');
      expect(raw.status).toBe(404);
      expect(raw.body).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    });
  });

  describe('POST /v1/messages/count_tokens', () => {
    it('counts through the SDK, on /v1 and /cc/v1 alike', async () => {
      const params = {
        model: MODEL,
        messages: [{ role: 'user' as const, content: 'How many tokens is this?' }],
      };
      const counted = await stack.anthropic.messages.countTokens(params);
      expect(counted.input_tokens).toBeGreaterThan(0);
      const cc = await postJson(stack, params, { path: '/cc/v1/messages/count_tokens' });
      expect(cc).toMatchObject({ status: 200, body: { input_tokens: counted.input_tokens } });
      // Claude Code calls the beta route: /v1/messages/count_tokens?beta=true with anthropic-beta.
      const beta = await stack.anthropic.beta.messages.countTokens({
        ...params,
        betas: ['token-counting-2024-11-01'],
      });
      expect(beta.input_tokens).toBe(counted.input_tokens);
    });
  });

  describe('authentication', () => {
    it('accepts x-api-key and Authorization: Bearer', async () => {
      const viaBearer = new Anthropic({
        baseURL: stack.url,
        apiKey: null,
        authToken: stack.apiKey,
        maxRetries: 0,
      });
      const message = await viaBearer.messages.create(hello('bearer auth'));
      expect(message.stop_reason).toBe('end_turn');
      const raw = await postJson(stack, hello('x-api-key auth'), { headers: { 'x-api-key': stack.apiKey } });
      expect(raw.status).toBe(200);
    });

    it('answers 401 with an Anthropic error body for a missing or wrong key', async () => {
      const before = chatRequests(stack).length;
      const missing = await fetch(`${stack.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(hello('no key')),
      });
      expect(missing.status).toBe(401);
      expect(await missing.json()).toMatchObject({
        type: 'error',
        error: { type: 'authentication_error', message: expect.stringMatching(/missing API key/) },
      });
      const wrong = await postJson(stack, hello('wrong key'), {
        headers: { authorization: 'Bearer sk-not-the-key' },
      });
      expect(wrong.status).toBe(401);
      expect(wrong.body).toMatchObject({
        type: 'error',
        error: { type: 'authentication_error', message: 'invalid API key' },
      });
      const models = await fetch(`${stack.url}/v1/models`);
      expect(models.status).toBe(401);

      const intruder = new Anthropic({ baseURL: stack.url, apiKey: 'sk-wrong', maxRetries: 0 });
      await expect(intruder.messages.create(hello('sdk wrong key'))).rejects.toBeInstanceOf(
        Anthropic.AuthenticationError,
      );
      await expect(
        intruder.messages.countTokens({ model: MODEL, messages: [{ role: 'user', content: 'x' }] }),
      ).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
      expect(chatRequests(stack)).toHaveLength(before);
    });
  });

  describe('pings and the buffered /cc/v1 variant', () => {
    const slowScript = {
      steps: [
        { type: 'text' as const, text: 'Before the pause.' },
        { type: 'delay' as const, ms: 2600 },
        { type: 'text' as const, text: ' After the pause.' },
        { type: 'contextUsage' as const, percentage: 1.2345 },
      ],
    };

    it('/v1 pings while the upstream is quiet, between content events', async () => {
      stack.sim.enqueueScript(slowScript, { messageIncludes: 'slow-v1' });
      const sse = await collectSse(stack, hello('slow-v1 please'));
      expect(sse.violations).toEqual([]);
      const kinds = sse.messages.map((message) => message.event);
      const firstPing = kinds.indexOf('ping');
      expect(firstPing).toBeGreaterThan(kinds.indexOf('content_block_delta'));
      expect(kinds.lastIndexOf('content_block_delta')).toBeGreaterThan(firstPing);
      expect(streamedText(sse.events)).toBe('Before the pause. After the pause.');
    });

    it('/cc/v1 holds every event until upstream ends, pinging meanwhile, and reports the final input_tokens', async () => {
      stack.sim.enqueueScript(slowScript, { messageIncludes: 'slow-cc' });
      const sse = await collectSse(stack, hello('slow-cc please'), { path: '/cc/v1/messages' });
      expect(sse.violations).toEqual([]);
      const kinds = sse.messages.map((message) => message.event);
      const start = kinds.indexOf('message_start');
      expect(start).toBeGreaterThanOrEqual(1);
      expect(kinds.slice(0, start).every((kind) => kind === 'ping')).toBe(true);
      expect(kinds.slice(start)).not.toContain('ping');

      const delta = messageDelta(sse.events);
      const output = delta.usage.output_tokens;
      // Sonnet 4.6 has a 1 000 000-token window; the percentage covers input and output (§4.8).
      expect(delta.usage.input_tokens).toBe(Math.round(0.012345 * 1_000_000) - output);
      expect(messageStart(sse.events).message.usage.input_tokens).toBe(delta.usage.input_tokens);
      expect(streamedText(sse.events)).toBe('Before the pause. After the pause.');
    });

    it('/cc/v1 answers non-streaming requests and SDK streams too', async () => {
      const cc = new Anthropic({ baseURL: `${stack.url}/cc`, apiKey: stack.apiKey, maxRetries: 0 });
      const message = await cc.messages.create(hello('cc plain'));
      expect(message.content[0]).toMatchObject({ type: 'text', text: expect.stringContaining('cc plain') });
      const streamed = await cc.messages.stream(hello('cc streamed')).finalMessage();
      expect(streamed.stop_reason).toBe('end_turn');
      // With no script the simulator reports contextUsage: the final count reaches message_start.
      const response = await post(stack, { ...hello('cc usage'), stream: true }, { path: '/cc/v1/messages' });
      const sse = await readSse(response, { leadingPings: true });
      expect(sse.violations).toEqual([]);
      expect(messageStart(sse.events).message.usage.input_tokens).toBe(
        messageDelta(sse.events).usage.input_tokens,
      );
    });
  });
});
