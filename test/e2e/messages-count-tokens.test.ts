// count_tokens end to end (hard case 8 in part): the local count agrees with message_start, counts
// images by their pixel size, and the optional external count API is used, authenticated both
// ways, with a local fallback when it fails.
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRequestInputTokens } from '../../src/simulator/context-usage.js';
import { KIRO_HIDDEN_PROMPT_TOKENS } from '../../src/tokens/count-kiro-request-tokens.js';
import { collectSse, messageDelta, messageStart } from '../helpers/collect-sse.js';
import { pngBase64 } from '../helpers/test-images.js';
import type { Stack } from '../helpers/start-stack.js';
import { startStack } from '../helpers/start-stack.js';
import { lastChatBody } from '../helpers/upstream-requests.js';

const MODEL = 'claude-sonnet-4-6';

const imageMessage = (data: string): Anthropic.MessageParam => ({
  role: 'user',
  content: [
    { type: 'text', text: 'Describe the picture.' },
    { type: 'image', source: { type: 'base64', media_type: 'image/png', data } },
  ],
});

/** A Claude Code-like request: system, tools, history with a tool round trip, an image. */
const rich: Anthropic.MessageCountTokensParams = {
  model: MODEL,
  system: [{ type: 'text', text: 'You are Claude Code. Be precise.', cache_control: { type: 'ephemeral' } }],
  tools: [
    {
      name: 'Read',
      description: 'Read a file from disk',
      input_schema: {
        type: 'object',
        properties: { file_path: { type: 'string' } },
        required: ['file_path'],
      },
    },
  ],
  messages: [
    { role: 'user', content: 'Open the readme.' },
    {
      role: 'assistant',
      content: [{ type: 'tool_use', id: 'toolu_c', name: 'Read', input: { file_path: 'README.md' } }],
    },
    {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'toolu_c', content: '# kirogate\nA gateway.' },
        ...(imageMessage(pngBase64(64, 64)).content as Anthropic.ContentBlockParam[]),
      ],
    },
  ],
};

interface RemoteCall {
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** A long Claude Code session: `exchanges` tool round trips of ~2 500 characters each, and an image. */
function longSession(exchanges: number): Anthropic.MessageCountTokensParams {
  const messages: Anthropic.MessageParam[] = [imageMessage(pngBase64(300, 200))];
  for (let index = 0; index < exchanges; index++) {
    const id = `toolu_long_${index}`;
    messages.push(
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id, name: 'Read', input: { file_path: `/src/f${index}.ts` } }],
      },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: id,
            content: `// file ${index}\n${'const value = compute(input);\n'.repeat(80)}`,
          },
        ],
      },
    );
  }
  messages.push({ role: 'user', content: 'Now summarise everything.' });
  return { ...rich, messages };
}

describe('hard case 8: count_tokens and token accounting parity', () => {
  let stack: Stack;
  let remote: Server;
  let remoteUrl: string;
  let remoteStatus = 200;
  const calls: RemoteCall[] = [];
  beforeAll(async () => {
    remote = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        calls.push({
          headers: request.headers,
          body: JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>,
        });
        response.writeHead(remoteStatus, { 'content-type': 'application/json' });
        response.end(remoteStatus === 200 ? '{"input_tokens":4242}' : '{"type":"error"}');
      });
    });
    await new Promise<void>((resolve) => remote.listen(0, '127.0.0.1', resolve));
    remoteUrl = `http://127.0.0.1:${(remote.address() as AddressInfo).port}/v1/messages/count_tokens`;
    stack = await startStack();
  });
  afterAll(async () => {
    await stack.close();
    await new Promise((resolve) => remote.close(resolve));
  });

  const count = async (params: Anthropic.MessageCountTokensParams) =>
    (await stack.anthropic.messages.countTokens(params)).input_tokens;
  const configure = (overrides: Record<string, unknown>) =>
    stack.gateway.applyConfig({ ...stack.gateway.services.config(), ...overrides });

  it('the local count equals the message_start estimate for the same request', async () => {
    const counted = await count(rich);
    expect(counted).toBeGreaterThan(KIRO_HIDDEN_PROMPT_TOKENS);
    const sse = await collectSse(stack, { ...rich, max_tokens: 128 });
    expect(sse.violations).toEqual([]);
    expect(messageStart(sse.events).message.usage.input_tokens).toBe(counted);
    const thinking = { ...rich, thinking: { type: 'enabled' as const, budget_tokens: 4096 } };
    const withThinking = await count(thinking);
    expect(withThinking).toBeGreaterThan(counted);
    const streamed = await collectSse(stack, { ...thinking, max_tokens: 8192 });
    expect(messageStart(streamed.events).message.usage.input_tokens).toBe(withThinking);
  });

  it('a large session reports consistent input_tokens on count_tokens, /v1 and /cc/v1, hidden prompt included', async () => {
    const session = longSession(40);
    const counted = await count(session);
    expect(counted).toBeGreaterThan(20_000);

    const v1 = await collectSse(stack, { ...session, max_tokens: 256 });
    expect(v1.violations).toEqual([]);
    expect(messageStart(v1.events).message.usage.input_tokens).toBe(counted);
    // What the upstream's "model" counted (its hidden prompt included), reported through contextUsageEvent.
    const upstreamInput = countRequestInputTokens(lastChatBody(stack));
    expect(messageDelta(v1.events).usage.input_tokens).toBe(upstreamInput);
    expect(Math.abs(counted - upstreamInput) / upstreamInput).toBeLessThan(0.05);

    const cc = await collectSse(stack, { ...session, max_tokens: 256 }, { path: '/cc/v1/messages' });
    expect(cc.violations).toEqual([]);
    expect(messageStart(cc.events).message.usage.input_tokens).toBe(upstreamInput);
    expect(messageDelta(cc.events).usage.input_tokens).toBe(upstreamInput);
  });

  it('"Hello, Claude!" counts 2 008 by default and kiro.rs\'s 8 with kiroPromptTokens 0, on both endpoints', async () => {
    const hello = { model: MODEL, messages: [{ role: 'user' as const, content: 'Hello, Claude!' }] };
    const started = async () => messageStart((await collectSse(stack, { ...hello, max_tokens: 16 })).events);
    try {
      for (const [kiroPromptTokens, expected] of [
        [2000, 2008],
        [0, 8],
        [500, 508],
      ] as const) {
        configure({ kiroPromptTokens });
        expect(await count(hello)).toBe(expected);
        expect((await started()).message.usage.input_tokens).toBe(expected);
      }
    } finally {
      configure({ kiroPromptTokens: KIRO_HIDDEN_PROMPT_TOKENS });
    }
  });

  it('counts images by pixel size (28 px patches), never by base64 length', async () => {
    const textOnly = await count({
      model: MODEL,
      messages: [{ role: 'user', content: 'Describe the picture.' }],
    });
    const imageCost = async (data: string) =>
      (await count({ model: MODEL, messages: [imageMessage(data)] })) - textOnly;
    const tiny = pngBase64(2, 2);
    const paddedTiny = pngBase64(2, 2, { paddingBytes: 60_000 });
    const large = pngBase64(1000, 1000);
    expect(paddedTiny.length).toBeGreaterThan(large.length * 10);
    expect(await imageCost(tiny)).toBe(1);
    expect(await imageCost(paddedTiny)).toBe(1);
    expect(await imageCost(large)).toBe(Math.ceil(1000 / 28) ** 2);
    // 4000 × 3000 is scaled down to fit 1568 patches.
    expect(await imageCost(pngBase64(4000, 3000))).toBeLessThanOrEqual(1568);
  });

  it('uses the external count API with x-api-key, forwarding only count fields', async () => {
    configure({
      countTokensApiUrl: remoteUrl,
      countTokensApiKey: 'remote-key',
      countTokensAuthType: 'x-api-key',
    });
    try {
      const counted = await count({
        ...rich,
        metadata: { user_id: 'u' },
      } as Anthropic.MessageCountTokensParams);
      expect(counted).toBe(4242 + KIRO_HIDDEN_PROMPT_TOKENS);
      configure({ kiroPromptTokens: 0 });
      expect(await count(rich)).toBe(4242);
      configure({ kiroPromptTokens: KIRO_HIDDEN_PROMPT_TOKENS });
      const call = calls.at(-1)!;
      expect(call.headers['x-api-key']).toBe('remote-key');
      expect(call.headers.authorization).toBeUndefined();
      expect(Object.keys(call.body).sort()).toEqual(['messages', 'model', 'system', 'tools']);

      configure({
        countTokensApiUrl: remoteUrl,
        countTokensApiKey: 'remote-key',
        countTokensAuthType: 'bearer',
      });
      expect(await count(rich)).toBe(4242 + KIRO_HIDDEN_PROMPT_TOKENS);
      expect(calls.at(-1)!.headers.authorization).toBe('Bearer remote-key');
      expect(calls.at(-1)!.headers['x-api-key']).toBeUndefined();
    } finally {
      configure({
        countTokensApiUrl: undefined,
        countTokensApiKey: undefined,
        countTokensAuthType: 'x-api-key',
      });
    }
  });

  it('falls back to the local count when the external API fails or is unreachable', async () => {
    const local = await count(rich);
    const callsBefore = calls.length;
    remoteStatus = 500;
    configure({ countTokensApiUrl: remoteUrl, countTokensAuthType: 'x-api-key' });
    try {
      expect(await count(rich)).toBe(local);
      expect(calls.length).toBe(callsBefore + 1);
      configure({ countTokensApiUrl: 'http://127.0.0.1:9/v1/messages/count_tokens' });
      expect(await count(rich)).toBe(local);
    } finally {
      remoteStatus = 200;
      configure({ countTokensApiUrl: undefined });
    }
  });
});
