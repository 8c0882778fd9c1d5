import { describe, expect, it } from 'vitest';
import {
  parseMessagesRequest,
  type AnthropicMessagesRequest,
} from '../../protocols/anthropic/messages-request.js';
import { sequentialIds } from '../../shared/clock.js';
import { InvalidRequestError, NotFoundError, PromptTooLongError } from '../../shared/errors.js';
import type { KiroHistoryItem } from '../../upstream/kiro-request.js';
import type { ConversionContext } from './conversion-context.js';
import { convertAnthropicRequestToKiro } from './convert-anthropic-request-to-kiro.js';
import { CHUNKED_WRITE_POLICY } from './system-prompt.js';
import { jpegBase64, pngBase64 } from '../../../test/helpers/test-images.js';
import { validateKiroRequest } from './validate-kiro-request.js';
import { protocolExample } from '../../../test/helpers/protocol-example.js';

function context(overrides: Partial<ConversionContext> = {}): ConversionContext {
  return {
    newId: sequentialIds(),
    modelMapping: {},
    maxUpstreamBodyBytes: 600_000,
    payloadGuard: 'trim',
    ...overrides,
  };
}

function convert(body: Record<string, unknown>, overrides: Partial<ConversionContext> = {}) {
  const request = parseMessagesRequest({ model: 'claude-sonnet-4-5', max_tokens: 1024, ...body });
  const result = convertAnthropicRequestToKiro(request, context(overrides));
  expect(validateKiroRequest(result.request, { maxBodyBytes: 600_000 })).toEqual([]);
  return result;
}

const history = (result: ReturnType<typeof convert>): KiroHistoryItem[] =>
  result.request.conversationState.history ?? [];
const currentMessage = (result: ReturnType<typeof convert>) =>
  result.request.conversationState.currentMessage.userInputMessage;

describe('convertAnthropicRequestToKiro', () => {
  it('produces the protocol §3.8 example body (apart from ids and profileArn)', () => {
    const result = convert({
      system: 'You are terse.',
      tools: [
        {
          name: 'get_weather',
          description: 'Get the weather for a city',
          input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      ],
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '18C sunny' }] },
      ],
    });
    // §3.8 without the credential's profileArn, with our ids and our full chunked-write sentence.
    const { profileArn: _profileArn, ...expected } = protocolExample();
    const state = expected.conversationState;
    state.agentContinuationId = '00000000-0000-4000-8000-000000000002';
    state.conversationId = '00000000-0000-4000-8000-000000000001';
    const systemTurn = state.history?.[0];
    if (systemTurn && 'userInputMessage' in systemTurn) {
      systemTurn.userInputMessage.content = `You are terse.\n${CHUNKED_WRITE_POLICY}`;
    }
    expect(result.request).toEqual(expected);
    expect(CHUNKED_WRITE_POLICY.startsWith('When the Write or Edit tool has content size limits')).toBe(true);
  });

  it('merges consecutive assistant turns (Claude Code after a network drop) into one valid exchange', () => {
    const result = convert({
      tools: [{ name: 'Bash', description: 'Run', input_schema: { type: 'object', properties: {} } }],
      messages: [
        { role: 'user', content: 'ls' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'a', signature: 's' },
            { type: 'text', text: ' ' },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'b', signature: 's' },
            { type: 'text', text: 'Running.' },
            { type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'ls' } },
          ],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'x' }] },
      ],
    });
    expect(history(result)).toHaveLength(2);
    expect(history(result)[1]).toEqual({
      assistantResponseMessage: {
        content: '<thinking>a</thinking>\n\n<thinking>b</thinking>\n\nRunning.',
        toolUses: [{ toolUseId: 'toolu_1', name: 'Bash', input: { command: 'ls' } }],
      },
    });
  });

  it('drops a trailing prefill, including a lone "{", with a warning', () => {
    for (const prefill of ['Sure:', '{']) {
      const result = convert({
        messages: [
          { role: 'user', content: 'JSON please' },
          { role: 'assistant', content: prefill },
        ],
      });
      expect(currentMessage(result).content).toBe('JSON please');
      expect(history(result)).toEqual([]);
      expect(result.warnings.join()).toContain('prefill dropped');
    }
  });

  it('keeps orphan tool results as text and removes unanswered tool uses', () => {
    const result = convert({
      tools: [{ name: 'Read', description: 'Read', input_schema: { type: 'object', properties: {} } }],
      messages: [
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 'toolu_gone', content: 'old output' }],
        },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Ok.' },
            { type: 'tool_use', id: 'toolu_x', name: 'Read', input: {} },
          ],
        },
        { role: 'user', content: 'next' },
      ],
    });
    expect(history(result)[0]).toMatchObject({
      userInputMessage: { content: '[Result of tool call toolu_gone]\nold output' },
    });
    expect(history(result)[1]).toEqual({ assistantResponseMessage: { content: 'Ok.' } });
  });

  it('moves system and developer messages from anywhere into the system turn, in source order', () => {
    const result = convert({
      system: [{ type: 'text', text: 'Top.', cache_control: { type: 'ephemeral' } }],
      messages: [
        { role: 'developer', content: 'Dev.' },
        { role: 'user', content: 'Hi' },
        { role: 'system', content: [{ type: 'text', text: 'Late.', cache_control: { type: 'ephemeral' } }] },
      ],
    });
    expect(history(result)[0]).toMatchObject({
      userInputMessage: { content: `Top.\n\nDev.\n\nLate.\n${CHUNKED_WRITE_POLICY}` },
    });
    expect(currentMessage(result).content).toBe('Hi');
    expect(JSON.stringify(result.request)).not.toContain('system-reminder');
  });

  it('derives a stable conversation id from metadata.user_id', () => {
    const body = {
      metadata: { user_id: '{"session_id":"9d3a1b2c-0000-4000-8000-123456789abc"}' },
      messages: [{ role: 'user', content: 'Hi' }],
    };
    expect(convert(body).request.conversationState.conversationId).toBe(
      '9d3a1b2c-0000-4000-8000-123456789abc',
    );
    expect(convert(body).request.conversationState.agentContinuationId).toBe(
      '00000000-0000-4000-8000-000000000001',
    );
  });

  it('shortens long tool names consistently in tools and history and maps them back', () => {
    const name = `mcp__plugin_marketplace_server__${'a'.repeat(60)}`;
    const result = convert({
      tools: [{ name, description: 'Long', input_schema: { type: 'object', properties: {} } }],
      messages: [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name, input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'ok' }] },
      ],
    });
    const short = currentMessage(result).userInputMessageContext?.tools?.[0]?.toolSpecification.name ?? '';
    expect(short).toHaveLength(63);
    expect(history(result)[1]).toMatchObject({ assistantResponseMessage: { toolUses: [{ name: short }] } });
    expect(result.toolNameMap.get(short)).toBe(name);
    expect(currentMessage(result).userInputMessageContext?.tools).toHaveLength(1);
  });

  it('truncates a 10 322-character description to 10 000 characters without splitting a surrogate pair', () => {
    const description = `${'x'.repeat(9_999)}😀${'y'.repeat(322)}`;
    const result = convert({
      tools: [{ name: 'Bash', description, input_schema: { type: 'object', properties: {} } }],
      messages: [{ role: 'user', content: 'Hi' }],
    });
    const sent =
      currentMessage(result).userInputMessageContext?.tools?.[0]?.toolSpecification.description ?? '';
    expect([...sent]).toHaveLength(10_000);
    expect(sent.endsWith('😀')).toBe(true);
  });

  it('sends images with the format sniffed from the bytes, in history, current turn and tool results', () => {
    const png = pngBase64(2, 2);
    const jpeg = jpegBase64(8, 8);
    const result = convert({
      tools: [{ name: 'shot', description: 'Shot', input_schema: { type: 'object', properties: {} } }],
      messages: [
        {
          role: 'user',
          content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: jpeg } }],
        },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'shot', input: {} }] },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 'toolu_1',
              content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } }],
            },
          ],
        },
      ],
    });
    expect(history(result)[0]).toMatchObject({
      userInputMessage: { images: [{ format: 'jpeg', source: { bytes: jpeg } }] },
    });
    expect(currentMessage(result).images).toEqual([{ format: 'png', source: { bytes: png } }]);
    expect(currentMessage(result).userInputMessageContext?.toolResults?.[0]?.content[0]).toEqual({
      text: '[image returned by the tool; attached to this message]',
    });
  });

  it('throws client errors naming the field', () => {
    const image = (source: unknown) => ({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'a' },
            { type: 'image', source },
          ],
        },
      ],
    });
    expect(() => convert(image({ type: 'url', url: 'https://x/y.png' }))).toThrow(
      new InvalidRequestError(
        'messages.0.content.1.source: image URLs are not supported through Kiro; send the image as base64',
      ),
    );
    expect(() =>
      convert(image({ type: 'base64', media_type: 'image/png', data: 'bm90IGFuIGltYWdl' })),
    ).toThrow(InvalidRequestError);
    expect(() => convert({ model: 'claude-foo-9', messages: [{ role: 'user', content: 'a' }] })).toThrow(
      new NotFoundError('model: claude-foo-9 is not available through Kiro'),
    );
    expect(() => convert({ messages: [] })).toThrow(InvalidRequestError);
  });

  it('trims the oldest exchanges, keeping the system pair, first turn and pairing, or rejects', () => {
    const filler = 'lorem ipsum '.repeat(60);
    const messages = [
      { role: 'user', content: 'first task' },
      ...[1, 2, 3, 4].flatMap((n) => [
        { role: 'assistant', content: [{ type: 'tool_use', id: `toolu_${n}`, name: 'Read', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: `toolu_${n}`, content: filler }] },
      ]),
    ];
    const body = {
      system: 'Sys.',
      tools: [{ name: 'Read', description: 'Read', input_schema: { type: 'object', properties: {} } }],
      messages,
    };
    const full = convert(body);
    const size = Buffer.byteLength(JSON.stringify(full.request));
    const trimmed = convert(body, { maxUpstreamBodyBytes: size - 500 });
    expect(trimmed.trimmedMessages).toBe(2);
    expect(history(trimmed)).toHaveLength(history(full).length - 2);
    expect(history(trimmed).slice(0, 3)).toEqual(history(full).slice(0, 3));
    expect(validateKiroRequest(trimmed.request, { maxBodyBytes: size - 500 })).toEqual([]);
    expect(() => convert(body, { maxUpstreamBodyBytes: size - 500, payloadGuard: 'reject' })).toThrow(
      PromptTooLongError,
    );
    expect(() => convert(body, { maxUpstreamBodyBytes: 1500 })).toThrow(/^prompt is too long/);
  });

  it('honours tool_choice with an instruction in the current message', () => {
    const tools = [
      { name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: {} } },
    ];
    const messages = [{ role: 'user', content: 'Hi' }];
    expect(currentMessage(convert({ tools, messages, tool_choice: { type: 'none' } })).content).toContain(
      'Do not call any tools',
    );
    expect(currentMessage(convert({ tools, messages, tool_choice: { type: 'any' } })).content).toContain(
      'at least one',
    );
    expect(
      currentMessage(convert({ tools, messages, tool_choice: { type: 'tool', name: 'get_weather' } }))
        .content,
    ).toContain('"get_weather"');
    expect(currentMessage(convert({ tools, messages, tool_choice: { type: 'auto' } })).content).toBe('Hi');
  });

  it('is pure: same output for the same input, and the input is not modified', () => {
    const body = parseMessagesRequest({
      model: 'claude-sonnet-4-5',
      max_tokens: 10,
      tools: [{ name: 'Read', description: '', input_schema: { type: 'object', properties: null } }],
      messages: [
        { role: 'user', content: 'a' },
        { role: 'user', content: 'b' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'Read', input: {} }] },
      ],
    });
    const snapshot = structuredClone<AnthropicMessagesRequest>(body);
    const first = convertAnthropicRequestToKiro(body, context());
    const second = convertAnthropicRequestToKiro(body, context());
    expect(second).toEqual(first);
    expect(body).toEqual(snapshot);
  });
});
