// Hard case 9 end to end: images reach the upstream (sniffed, kept in history, URLs refused
// clearly) and the body-size guard trims oldest history or answers prompt-too-long.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jpegBase64, pngBase64 } from '../helpers/test-images.js';
import { postJson } from '../helpers/collect-sse.js';
import type { Stack } from '../helpers/start-stack.js';
import { startStack } from '../helpers/start-stack.js';
import {
  allTurns,
  chatRequests,
  currentMessage,
  lastChatBody,
  lastChatRequest,
} from '../helpers/upstream-requests.js';

type MessageParam = Anthropic.MessageParam;

const MODEL = 'claude-sonnet-4-6';
const PNG = pngBase64(2, 2);
const JPEG = jpegBase64(8, 8);
const LIMIT = 20_000;
const READ_TOOL: Anthropic.Tool = {
  name: 'Read',
  description: 'Read a file',
  input_schema: { type: 'object' },
};

const image = (data: string, mediaType: 'image/png' | 'image/jpeg'): Anthropic.ImageBlockParam => ({
  type: 'image',
  source: { type: 'base64', media_type: mediaType, data },
});

/** A long Claude Code session: first turn with an image, `exchanges` big tool round trips, an image now. */
function longSession(exchanges: number): MessageParam[] {
  const messages: MessageParam[] = [
    {
      role: 'user',
      content: [{ type: 'text', text: 'FIRST-TURN: refactor the project' }, image(PNG, 'image/png')],
    },
  ];
  for (let index = 0; index < exchanges; index++) {
    messages.push(
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: `toolu_${index}`, name: 'Read', input: { file_path: `/f${index}` } },
        ],
      },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: `toolu_${index}`,
            content: `file ${index}: ${'x'.repeat(3000)}`,
          },
        ],
      },
    );
  }
  messages.push(
    {
      role: 'assistant',
      content: [{ type: 'tool_use', id: 'toolu_last', name: 'Read', input: { file_path: '/last' } }],
    },
    {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'toolu_last', content: 'last file' },
        { type: 'text', text: 'CURRENT-TURN: and look at this' },
        image(JPEG, 'image/jpeg'),
      ],
    },
  );
  return messages;
}

describe('hard case 9: images', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ config: { maxUpstreamBodyBytes: LIMIT } });
  });
  afterAll(() => stack.close());

  it('sends base64 images upstream with the format read from the bytes', async () => {
    await stack.anthropic.messages.create({
      model: MODEL,
      max_tokens: 64,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'What is this?' }, image(PNG, 'image/png')] },
      ],
    });
    expect(currentMessage(lastChatBody(stack)).images).toEqual([{ format: 'png', source: { bytes: PNG } }]);
  });

  it('corrects a PNG labelled as JPEG (the upstream would reject the mismatch)', async () => {
    const message = await stack.anthropic.messages.create({
      model: MODEL,
      max_tokens: 64,
      messages: [
        { role: 'user', content: [image(PNG, 'image/jpeg'), { type: 'text', text: 'mislabelled' }] },
      ],
    });
    expect(message.stop_reason).toBe('end_turn');
    expect(lastChatRequest(stack).status).toBe(200);
    expect(currentMessage(lastChatBody(stack)).images).toEqual([{ format: 'png', source: { bytes: PNG } }]);
  });

  it('keeps images of history turns, of tool results and of the current turn', async () => {
    await stack.anthropic.messages.create({
      model: MODEL,
      max_tokens: 64,
      tools: [READ_TOOL],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'old screenshot' }, image(PNG, 'image/png')] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_s', name: 'Read', input: {} }] },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 'toolu_s', content: [image(JPEG, 'image/jpeg')] }],
        },
        { role: 'assistant', content: 'Got both.' },
        { role: 'user', content: [image(PNG, 'image/png')] },
      ],
    });
    const formats = allTurns(lastChatBody(stack)).map((turn) =>
      turn.role === 'user' ? (turn.message.images ?? []).map((entry) => entry.format) : [],
    );
    expect(formats).toEqual([['png'], [], ['jpeg'], [], ['png']]);
  });

  it('refuses an image URL with a 400 naming the field', async () => {
    const before = chatRequests(stack).length;
    const result = await postJson(stack, {
      model: MODEL,
      max_tokens: 64,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'look' },
            { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } },
          ],
        },
      ],
    });
    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({
      type: 'error',
      error: {
        type: 'invalid_request_error',
        message: expect.stringMatching(/^messages\.0\.content\.1\.source: image URLs/),
      },
    });
    expect(chatRequests(stack)).toHaveLength(before);
  });

  it('payload guard (trim): drops the oldest exchanges, keeps the first turn and tool pairs, and the upstream accepts', async () => {
    const messages = longSession(8);
    expect(JSON.stringify(messages).length).toBeGreaterThan(LIMIT);
    const message = await stack.anthropic.messages.create({
      model: MODEL,
      max_tokens: 64,
      tools: [READ_TOOL],
      messages,
    });
    expect(message.stop_reason).toBe('end_turn');
    const request = lastChatRequest(stack);
    expect(request.status).toBe(200);
    const body = lastChatBody(stack);
    expect(JSON.stringify(body).length).toBeLessThanOrEqual(LIMIT);
    const turns = allTurns(body);
    expect(turns[0]).toMatchObject({
      role: 'user',
      message: { content: 'FIRST-TURN: refactor the project' },
    });
    expect(turns[0]!.role === 'user' && turns[0]!.message.images).toEqual([
      { format: 'png', source: { bytes: PNG } },
    ]);
    const current = currentMessage(body);
    expect(current.content).toBe('CURRENT-TURN: and look at this');
    expect(current.images).toEqual([{ format: 'jpeg', source: { bytes: JPEG } }]);
    expect(current.userInputMessageContext?.toolResults?.map((result) => result.toolUseId)).toEqual([
      'toolu_last',
    ]);
    const sent = JSON.stringify(body);
    expect(sent).not.toContain('toolu_0"');
    expect(sent).toContain('toolu_7');
    // Every kept tool_use still has its result: lastChatBody validated the pairing.
    const uses = turns.flatMap((turn) => (turn.role === 'assistant' ? (turn.message.toolUses ?? []) : []));
    const results = turns.flatMap((turn) =>
      turn.role === 'user' ? (turn.message.userInputMessageContext?.toolResults ?? []) : [],
    );
    expect(uses.map((use) => use.toolUseId)).toEqual(results.map((result) => result.toolUseId));
  });
});

describe('hard case 9: payload guard (reject)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ config: { maxUpstreamBodyBytes: LIMIT, payloadGuard: 'reject' } });
  });
  afterAll(() => stack.close());

  it('answers 400 prompt is too long without calling upstream', async () => {
    const error = await stack.anthropic.messages
      .create({ model: MODEL, max_tokens: 64, tools: [READ_TOOL], messages: longSession(8) })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as { error: unknown }).error).toMatchObject({
      type: 'error',
      error: {
        type: 'invalid_request_error',
        message: expect.stringMatching(/^prompt is too long: .*20000-byte/),
      },
    });
    expect(chatRequests(stack)).toHaveLength(0);
    // A request that fits still goes through.
    const small = await stack.anthropic.messages.create({
      model: MODEL,
      max_tokens: 64,
      messages: longSession(1),
    });
    expect(small.stop_reason).toBe('end_turn');
  });
});
