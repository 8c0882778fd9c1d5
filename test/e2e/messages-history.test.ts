// Hard cases 1 and 2 end to end: malformed-but-real Claude Code histories and system-prompt shapes
// reach the simulator as one valid alternating Kiro conversation, never a 400.
import type Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson } from '../helpers/collect-sse.js';
import type { Stack } from '../helpers/start-stack.js';
import { startStack } from '../helpers/start-stack.js';
import type { FlatTurn } from '../helpers/upstream-requests.js';
import { allTurns, currentMessage, lastChatBody, lastChatRequest } from '../helpers/upstream-requests.js';

type MessageParam = Anthropic.MessageParam;

const MODEL = 'claude-sonnet-4-6';
const READ_TOOL = {
  name: 'Read',
  description: 'Read a file',
  input_schema: {
    type: 'object' as const,
    properties: { file_path: { type: 'string' } },
    required: ['file_path'],
  },
};

const assistantTurns = (turns: FlatTurn[]) =>
  turns.flatMap((turn) => (turn.role === 'assistant' ? [turn.message] : []));

describe('hard case 1: malformed-but-real Claude Code histories', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  /** Sends through the SDK, expects a 200, and returns the (validated) upstream body. */
  async function send(messages: MessageParam[], tools: Anthropic.Tool[] = [READ_TOOL]) {
    const message = await stack.anthropic.messages.create({ model: MODEL, max_tokens: 64, messages, tools });
    expect(message.type).toBe('message');
    expect(lastChatRequest(stack).status).toBe(200);
    const body = lastChatBody(stack);
    const turns = allTurns(body);
    turns.forEach((turn, index) => expect(turn.role).toBe(index % 2 === 0 ? 'user' : 'assistant'));
    for (const assistant of assistantTurns(turns)) expect(assistant.content).not.toBe('');
    return { body, turns };
  }

  it('merges two assistant turns in a row ([thinking, " "] then [thinking, text, tool_use]) before a tool_result', async () => {
    const { body, turns } = await send([
      { role: 'user', content: 'Fix the bug in a.ts' },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'Plan A: look around.', signature: 'sig-a' },
          { type: 'text', text: ' ' },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'Plan B: read the file.', signature: 'sig-b' },
          { type: 'text', text: 'Reading the file.' },
          { type: 'tool_use', id: 'toolu_01', name: 'Read', input: { file_path: '/a.ts' } },
        ],
      },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: 'export const a = 1;' }],
      },
    ]);
    const [assistant] = assistantTurns(turns);
    expect(assistantTurns(turns)).toHaveLength(1);
    expect(assistant!.content).toContain('<thinking>Plan B: read the file.</thinking>');
    expect(assistant!.content).toContain('Reading the file.');
    expect(assistant!.toolUses).toEqual([
      { toolUseId: 'toolu_01', name: 'Read', input: { file_path: '/a.ts' } },
    ]);
    expect(currentMessage(body).userInputMessageContext?.toolResults).toEqual([
      { toolUseId: 'toolu_01', content: [{ text: 'export const a = 1;' }], status: 'success' },
    ]);
  });

  it('drops an orphan tool_use and turns an orphan tool_result into text', async () => {
    const { body, turns } = await send([
      { role: 'user', content: 'start' },
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 'toolu_orphan', name: 'Read', input: { file_path: '/x' } }],
      },
      { role: 'user', content: 'never mind that' },
      { role: 'assistant', content: 'OK.' },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 'toolu_ghost', content: 'stray output' }],
      },
    ]);
    expect(JSON.stringify(body)).not.toContain('toolu_orphan');
    expect(assistantTurns(turns).every((turn) => turn.toolUses === undefined)).toBe(true);
    const current = currentMessage(body);
    expect(current.userInputMessageContext?.toolResults).toBeUndefined();
    expect(current.content).toContain('[Result of tool call toolu_ghost]\nstray output');
  });

  it('declares a placeholder for a history tool absent from tools, and for an empty tools list', async () => {
    const history: MessageParam[] = [
      { role: 'user', content: 'search for foo' },
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 'toolu_g', name: 'Grep', input: { pattern: 'foo' } }],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_g', content: 'a.ts:1:foo' }] },
    ];
    const { body } = await send(history);
    const names = currentMessage(body).userInputMessageContext?.tools?.map((tool) => tool.toolSpecification);
    expect(names?.map((spec) => spec.name)).toEqual(['Read', 'Grep']);
    expect(names?.[1]?.description).toBe('Tool used in conversation history');

    const withoutTools = await send(history, []);
    const tools = currentMessage(withoutTools.body).userInputMessageContext?.tools ?? [];
    expect(tools.map((tool) => tool.toolSpecification.name)).toEqual(['Grep']);
  });

  it('sends a tool-only assistant turn with " " content', async () => {
    const { turns } = await send([
      { role: 'user', content: 'read it' },
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 'toolu_r', name: 'Read', input: { file_path: '/r' } }],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_r', content: 'r' }] },
    ]);
    expect(assistantTurns(turns)[0]).toMatchObject({ content: ' ', toolUses: [{ toolUseId: 'toolu_r' }] });
  });

  it.each(['Sure, the answer is', '{'])('drops a trailing assistant prefill %j', async (prefill) => {
    const { body } = await send([
      { role: 'user', content: 'Give me JSON about prefill' },
      { role: 'assistant', content: prefill },
    ]);
    expect(currentMessage(body).content).toBe('Give me JSON about prefill');
    expect(body.conversationState.history).toBeUndefined();
  });

  it('repairs a history that ends on a user turn or starts with an assistant turn', async () => {
    const twoUsers = await send([
      { role: 'user', content: 'first user words' },
      { role: 'user', content: 'second user words' },
    ]);
    expect(currentMessage(twoUsers.body).content).toBe('first user words\nsecond user words');

    const assistantFirst = await send([
      { role: 'assistant', content: 'I greet you first.' },
      { role: 'user', content: 'hi' },
      { role: 'user', content: [{ type: 'text', text: 'and more' }] },
    ]);
    expect(assistantFirst.turns).toHaveLength(3);
    expect(assistantTurns(assistantFirst.turns)[0]!.content).toBe('I greet you first.');
  });
});

describe('hard case 2: roles and system-prompt shapes', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  const systemTurn = () => {
    const [first] = allTurns(lastChatBody(stack));
    return first!.role === 'user' ? first!.message.content : '';
  };

  it('sends a top-level system string, and system blocks with cache_control, as the system turn', async () => {
    await stack.anthropic.messages.create({
      model: MODEL,
      max_tokens: 64,
      system: 'You are terse.',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(systemTurn()).toMatch(/^You are terse\.\n/);

    await stack.anthropic.messages.create({
      model: MODEL,
      max_tokens: 64,
      system: [
        { type: 'text', text: 'Block one.', cache_control: { type: 'ephemeral' } },
        { type: 'text', text: 'Block two.', cache_control: { type: 'ephemeral', ttl: '1h' } },
      ],
      messages: [{ role: 'user', content: 'hi', cache_control: { type: 'ephemeral' } } as MessageParam],
    });
    expect(systemTurn()).toMatch(/^Block one\.\nBlock two\.\n/);
    expect(JSON.stringify(lastChatBody(stack))).not.toContain('cache_control');
  });

  it('merges system and developer messages (also after the last user message) in source order', async () => {
    const result = await postJson(stack, {
      model: MODEL,
      max_tokens: 64,
      system: 'Top-level rules.',
      messages: [
        {
          role: 'system',
          content: [{ type: 'text', text: 'Early system note.', cache_control: { type: 'ephemeral' } }],
        },
        { role: 'user', content: 'question one' },
        { role: 'assistant', content: 'answer one' },
        { role: 'developer', content: 'Developer note.' },
        { role: 'user', content: 'question two' },
        { role: 'system', content: 'Late reminder after the last user message.' },
      ],
    });
    expect(result.status).toBe(200);
    const system = systemTurn();
    const order = [
      'Top-level rules.',
      'Early system note.',
      'Developer note.',
      'Late reminder after the last user',
    ];
    const positions = order.map((text) => system.indexOf(text));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(system).not.toContain('<system-reminder>');
    const body = lastChatBody(stack);
    expect(currentMessage(body).content).toBe('question two');
    expect(JSON.stringify(body.conversationState.history?.slice(2))).not.toContain('Developer note.');
  });

  it('derives one stable conversationId per Claude Code session from metadata.user_id', async () => {
    const sessionId = '6c1f0e0a-3b5e-4f4a-9d9b-0a1b2c3d4e5f';
    const conversationIdFor = async (userId: string, text: string) => {
      await stack.anthropic.messages.create({
        model: MODEL,
        max_tokens: 64,
        metadata: { user_id: userId },
        messages: [{ role: 'user', content: text }],
      });
      return lastChatBody(stack).conversationState.conversationId;
    };
    const json = JSON.stringify({ device_id: 'dev-1', account_uuid: 'acc-1', session_id: sessionId });
    expect(await conversationIdFor(json, 'turn one')).toBe(sessionId);
    expect(await conversationIdFor(json, 'turn two')).toBe(sessionId);

    const legacy = `user_${'a'.repeat(64)}_account_acc-1_session_${sessionId}`;
    expect(await conversationIdFor(legacy, 'legacy turn')).toBe(sessionId);

    const other = await conversationIdFor(JSON.stringify({ session_id: 'not-a-uuid-session' }), 'x');
    expect(other).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(await conversationIdFor(JSON.stringify({ session_id: 'not-a-uuid-session' }), 'y')).toBe(other);

    const a = await conversationIdFor('', 'no session a');
    const b = await conversationIdFor('', 'no session b');
    expect(a).not.toBe(b);
  });

  it('accepts fields Kiro cannot use (metadata, context_management, container, service_tier, …)', async () => {
    const result = await postJson(stack, {
      model: MODEL,
      max_tokens: 64,
      messages: [{ role: 'user', content: 'unknown fields' }],
      metadata: { user_id: 'someone' },
      context_management: { edits: [{ type: 'clear_tool_uses_20250919' }] },
      container: 'container_abc',
      service_tier: 'auto',
      stop_sequences: ['\n\nHuman:'],
      temperature: 0.2,
      top_p: 0.9,
      top_k: 5,
      some_future_field: { nested: true },
    });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ type: 'message', stop_reason: 'end_turn' });
    const sent = JSON.stringify(lastChatBody(stack));
    for (const field of ['context_management', 'service_tier', 'temperature', 'stop_sequences', 'container'])
      expect(sent).not.toContain(field);
  });
});
