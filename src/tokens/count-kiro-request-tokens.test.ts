import { describe, expect, it } from 'vitest';
import type {
  KiroHistoryItem,
  KiroGenerateRequest,
  KiroToolSpecification,
  KiroUserInputMessage,
} from '../upstream/kiro-request.js';
import { buildPng } from '../../test/helpers/test-images.js';
import { countTextTokens } from './claude-tokenizer.js';
import {
  KIRO_HIDDEN_PROMPT_TOKENS,
  MESSAGE_OVERHEAD_TOKENS,
  TOOL_BLOCK_OVERHEAD_TOKENS,
  TOOL_DEFINITION_OVERHEAD_TOKENS,
  TOOL_USE_SYSTEM_PROMPT_TOKENS,
  countKiroRequestTokens,
} from './count-kiro-request-tokens.js';
import { HIGH_RESOLUTION_IMAGE_LIMITS } from './image-tokens.js';

function user(content: string, extra: Partial<KiroUserInputMessage> = {}): KiroUserInputMessage {
  return { content, modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR', ...extra };
}

function kiroRequest(current: KiroUserInputMessage, history?: KiroHistoryItem[]): KiroGenerateRequest {
  return {
    conversationState: {
      chatTriggerType: 'MANUAL',
      conversationId: '5f1c2d34-9a8b-4c7d-8e6f-1a2b3c4d5e6f',
      currentMessage: { userInputMessage: current },
      ...(history ? { history } : {}),
    },
  };
}

const weatherTool: KiroToolSpecification = {
  toolSpecification: {
    name: 'get_weather',
    description: 'Get the current weather for a city',
    inputSchema: {
      json: {
        type: 'object',
        properties: { city: { type: 'string', description: 'City name' } },
        required: ['city'],
      },
    },
  },
};

const png = (width: number, height: number) => buildPng(width, height).toString('base64');

describe('countKiroRequestTokens', () => {
  it('counts the current message plus its framing plus Kiro’s hidden system prompt', () => {
    const count = countKiroRequestTokens(kiroRequest(user('Hello, world!')), countTextTokens);
    expect(count).toBe(KIRO_HIDDEN_PROMPT_TOKENS + MESSAGE_OVERHEAD_TOKENS + 4);
    expect(KIRO_HIDDEN_PROMPT_TOKENS).toBe(2000);
  });

  it('makes the hidden prompt overhead configurable (the simulator uses the same option)', () => {
    const request = kiroRequest(user('Hello, world!'));
    expect(
      countKiroRequestTokens(request, countTextTokens) -
        countKiroRequestTokens(request, countTextTokens, { hiddenPromptTokens: 0 }),
    ).toBe(2000);
    expect(countKiroRequestTokens(request, countTextTokens, { hiddenPromptTokens: 500 })).toBe(
      500 + MESSAGE_OVERHEAD_TOKENS + 4,
    );
  });

  it('counts every history turn, including the converter’s injected system pair', () => {
    const system = 'You are terse.\nWhen the Write or Edit tool has content size limits, write in chunks.';
    const history: KiroHistoryItem[] = [
      { userInputMessage: user(system) },
      { assistantResponseMessage: { content: 'I will follow these instructions.' } },
    ];
    const withHistory = countKiroRequestTokens(kiroRequest(user('Hi'), history), countTextTokens);
    const without = countKiroRequestTokens(kiroRequest(user('Hi')), countTextTokens);
    expect(withHistory - without).toBe(
      2 * MESSAGE_OVERHEAD_TOKENS +
        countTextTokens(system) +
        countTextTokens('I will follow these instructions.'),
    );
  });

  it('counts tool specifications: the tool-use system prompt once, then name, description and schema', () => {
    const context = { tools: [weatherTool] };
    const withTool = countKiroRequestTokens(
      kiroRequest(user('Hi', { userInputMessageContext: context })),
      countTextTokens,
    );
    const without = countKiroRequestTokens(kiroRequest(user('Hi')), countTextTokens);
    const spec = weatherTool.toolSpecification;
    expect(withTool - without).toBe(
      TOOL_USE_SYSTEM_PROMPT_TOKENS +
        TOOL_DEFINITION_OVERHEAD_TOKENS +
        countTextTokens(spec.name) +
        countTextTokens(spec.description) +
        countTextTokens(JSON.stringify(spec.inputSchema.json)),
    );
    const twoTools = countKiroRequestTokens(
      kiroRequest(user('Hi', { userInputMessageContext: { tools: [weatherTool, weatherTool] } })),
      countTextTokens,
    );
    expect(twoTools - withTool).toBe(withTool - without - TOOL_USE_SYSTEM_PROMPT_TOKENS);
  });

  it('counts a larger schema as more tokens', () => {
    const big: KiroToolSpecification = {
      toolSpecification: {
        ...weatherTool.toolSpecification,
        inputSchema: {
          json: {
            type: 'object',
            properties: Object.fromEntries(
              Array.from({ length: 20 }, (_, i) => [
                `field_${i}`,
                { type: 'string', description: `Field ${i}` },
              ]),
            ),
          },
        },
      },
    };
    const small = countKiroRequestTokens(
      kiroRequest(user('Hi', { userInputMessageContext: { tools: [weatherTool] } })),
      countTextTokens,
    );
    const large = countKiroRequestTokens(
      kiroRequest(user('Hi', { userInputMessageContext: { tools: [big] } })),
      countTextTokens,
    );
    expect(large - small).toBeGreaterThan(150);
  });

  it('counts tool calls and tool results (text and JSON)', () => {
    const history: KiroHistoryItem[] = [
      { userInputMessage: user('Weather in Paris?') },
      {
        assistantResponseMessage: {
          content: ' ',
          toolUses: [{ toolUseId: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }],
        },
      },
    ];
    const results = [
      {
        toolUseId: 'toolu_1',
        content: [{ text: '18C sunny' }, { json: { humidity: 40 } }],
        status: 'success' as const,
      },
    ];
    const request = kiroRequest(
      user('', { userInputMessageContext: { toolResults: results, tools: [weatherTool] } }),
      history,
    );
    const bare = kiroRequest(user('', { userInputMessageContext: { tools: [weatherTool] } }), [
      { userInputMessage: user('Weather in Paris?') },
      { assistantResponseMessage: { content: ' ' } },
    ]);
    expect(
      countKiroRequestTokens(request, countTextTokens) - countKiroRequestTokens(bare, countTextTokens),
    ).toBe(
      TOOL_BLOCK_OVERHEAD_TOKENS +
        countTextTokens('get_weather') +
        countTextTokens('{"city":"Paris"}') +
        TOOL_BLOCK_OVERHEAD_TOKENS +
        countTextTokens('18C sunny') +
        countTextTokens('{"humidity":40}'),
    );
  });

  it('counts images by their pixel size, in the current message and in history', () => {
    const image = { format: 'png' as const, source: { bytes: png(1000, 1000) } };
    const text = countKiroRequestTokens(kiroRequest(user('What is this?')), countTextTokens);
    const current = countKiroRequestTokens(
      kiroRequest(user('What is this?', { images: [image] })),
      countTextTokens,
    );
    expect(current - text).toBe(1296);
    const history: KiroHistoryItem[] = [
      { userInputMessage: user('Look', { images: [image, image] }) },
      { assistantResponseMessage: { content: 'Two squares.' } },
    ];
    const withHistory = countKiroRequestTokens(
      kiroRequest(user('What is this?', { images: [image] }), history),
      countTextTokens,
    );
    expect(withHistory - current).toBe(
      2 * 1296 + 2 * MESSAGE_OVERHEAD_TOKENS + countTextTokens('Look') + countTextTokens('Two squares.'),
    );
  });

  it('never counts base64 as text: a 1 MB image costs what its pixels cost', () => {
    const huge = {
      format: 'png' as const,
      source: { bytes: buildPng(2000, 1500, { noise: true }).toString('base64') },
    };
    expect(huge.source.bytes.length).toBeGreaterThan(1_000_000);
    const text = countKiroRequestTokens(kiroRequest(user('Describe')), countTextTokens);
    expect(
      countKiroRequestTokens(kiroRequest(user('Describe', { images: [huge] })), countTextTokens) - text,
    ).toBe(1564);
  });

  it('counts images at high resolution for claude-opus-4.7, or with explicit limits', () => {
    const image = { format: 'png' as const, source: { bytes: png(2576, 1456) } };
    const opus = user('Describe', { images: [image], modelId: 'claude-opus-4.7' });
    const sonnet = user('Describe', { images: [image] });
    const text = countKiroRequestTokens(kiroRequest(user('Describe')), countTextTokens);
    expect(countKiroRequestTokens(kiroRequest(opus), countTextTokens) - text).toBe(4784);
    expect(countKiroRequestTokens(kiroRequest(sonnet), countTextTokens) - text).toBe(1560);
    expect(
      countKiroRequestTokens(kiroRequest(sonnet), countTextTokens, {
        imageLimits: HIGH_RESOLUTION_IMAGE_LIMITS,
      }) - text,
    ).toBe(4784);
  });

  it('counts an unreadable image as the largest standard image', () => {
    const broken = { format: 'jpeg' as const, source: { bytes: 'AAAA' } };
    const text = countKiroRequestTokens(kiroRequest(user('x')), countTextTokens);
    expect(countKiroRequestTokens(kiroRequest(user('x', { images: [broken] })), countTextTokens) - text).toBe(
      1568,
    );
  });
});
