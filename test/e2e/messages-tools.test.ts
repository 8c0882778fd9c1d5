// Hard case 3 end to end: tool definitions Claude Code and MCP servers really send (long names,
// huge descriptions, broken schemas, many tools, tool_choice, unknown fields) are accepted
// upstream, and shortened names come back restored, streaming and non-streaming.
import type Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectSse, eventsOfType, postJson } from '../helpers/collect-sse.js';
import type { Stack } from '../helpers/start-stack.js';
import { startStack } from '../helpers/start-stack.js';
import { currentMessage, lastChatBody, lastChatRequest } from '../helpers/upstream-requests.js';

const MODEL = 'claude-sonnet-4-6';
const objectSchema = { type: 'object' as const, properties: { value: { type: 'string' } } };
const tool = (name: string, description = `The ${name} tool`): Anthropic.Tool => ({
  name,
  description,
  input_schema: objectSchema,
});

/** MCP plugin names of 64, 72 and 90 characters (Anthropic allows 64; Claude Code sends longer ones). */
const LONG_NAMES = [64, 72, 90].map((length) =>
  `mcp__plugin_superpowers_${'x'.repeat(length)}`.slice(0, length - 4).concat('_end'),
);

describe('hard case 3: tool-definition limits', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  const upstreamTools = () =>
    (currentMessage(lastChatBody(stack)).userInputMessageContext?.tools ?? []).map(
      (entry) => entry.toolSpecification,
    );

  it('shortens 64–90 character names upstream and restores them in tool_use (stream and not)', async () => {
    const tools = [...LONG_NAMES.map((name) => tool(name)), tool('Read')];
    const request = {
      model: MODEL,
      max_tokens: 64,
      tools,
      messages: [{ role: 'user' as const, content: 'probe names' }],
    };
    await stack.anthropic.messages.create(request);
    const sent = upstreamTools().map((spec) => spec.name);
    expect(sent).toHaveLength(4);
    expect(sent.every((name) => name.length <= 64)).toBe(true);
    expect(new Set(sent.map((name) => name.toLowerCase())).size).toBe(4);
    expect(sent[3]).toBe('Read');

    const steps = sent.map((name, index) => ({
      type: 'toolUse' as const,
      name,
      input: { value: `call ${index}` },
      toolUseId: `tooluse_names${index}`,
    }));
    stack.sim.enqueueScript({ steps }, { messageIncludes: 'call the long tools', times: 3 });
    const ask = { ...request, messages: [{ role: 'user' as const, content: 'call the long tools' }] };
    const expected = [...LONG_NAMES, 'Read'];

    const plain = await stack.anthropic.messages.create(ask);
    expect(plain.stop_reason).toBe('tool_use');
    expect(plain.content.map((block) => (block.type === 'tool_use' ? block.name : block.type))).toEqual(
      expected,
    );
    expect(plain.content[2]).toMatchObject({ type: 'tool_use', input: { value: 'call 2' } });

    const streamed = await stack.anthropic.messages.stream(ask).finalMessage();
    expect(streamed.content).toEqual(plain.content);

    const raw = await collectSse(stack, ask);
    expect(raw.violations).toEqual([]);
    const starts = eventsOfType(raw.events, 'content_block_start').map((event) => event.content_block);
    expect(starts.map((block) => (block.type === 'tool_use' ? block.name : ''))).toEqual(expected);
    // Tool blocks open with input {} and carry the arguments as input_json_delta (hard case 5).
    expect(starts.every((block) => block.type === 'tool_use' && Object.keys(block.input).length === 0)).toBe(
      true,
    );
    const deltas = eventsOfType(raw.events, 'content_block_delta').map((event) => event.delta);
    expect(deltas.every((delta) => delta.type === 'input_json_delta')).toBe(true);
  });

  it('accepts a description over 10 240 characters (Claude Code Bash is 10 322)', async () => {
    const description = `Executes a bash command. ${'Mind the sandbox and quote paths. '.repeat(320)}`;
    expect(description.length).toBeGreaterThan(10_240);
    const message = await stack.anthropic.messages.create({
      model: MODEL,
      max_tokens: 64,
      tools: [tool('Bash', description)],
      messages: [{ role: 'user', content: 'run ls' }],
    });
    expect(message.stop_reason).toBe('end_turn');
    expect(lastChatRequest(stack).status).toBe(200);
    const [bash] = upstreamTools();
    expect(bash!.description.length).toBeLessThanOrEqual(10_000);
    expect(bash!.description.startsWith('Executes a bash command.')).toBe(true);
  });

  it('normalises null and non-object schemas instead of failing upstream', async () => {
    const result = await postJson(stack, {
      model: MODEL,
      max_tokens: 64,
      messages: [{ role: 'user', content: 'broken schemas' }],
      tools: [
        {
          name: 'nullRequired',
          description: 'a',
          input_schema: { type: 'object', properties: {}, required: null },
        },
        { name: 'nullProperties', description: 'b', input_schema: { type: 'object', properties: null } },
        { name: 'stringRoot', description: 'c', input_schema: 'not a schema' },
        { name: 'nullRoot', description: 'd', input_schema: null },
        {
          name: 'typeList',
          description: 'e',
          input_schema: {
            type: ['object', 'null'],
            properties: { p: { type: ['string', 'null'], enum: null } },
          },
        },
      ],
    });
    expect(result.status).toBe(200);
    expect(lastChatRequest(stack).status).toBe(200);
    const schemas = upstreamTools().map((spec) => spec.inputSchema.json);
    expect(schemas).toHaveLength(5);
    for (const schema of schemas) {
      expect(schema.type).toBe('object');
      expect(schema.properties).toBeTypeOf('object');
      expect(JSON.stringify(schema)).not.toContain('null');
    }
  });

  it('sends more than 100 tools', async () => {
    const tools = Array.from({ length: 120 }, (_, index) => tool(`tool_${index}`));
    const message = await stack.anthropic.messages.create({
      model: MODEL,
      max_tokens: 64,
      tools,
      messages: [{ role: 'user', content: 'so many tools' }],
    });
    expect(message.stop_reason).toBe('end_turn');
    expect(upstreamTools()).toHaveLength(120);
  });

  it('accepts defer_loading, strict, input_examples and unknown tool fields, sending only the spec', async () => {
    const result = await postJson(stack, {
      model: MODEL,
      max_tokens: 64,
      messages: [{ role: 'user', content: 'deferred tools' }],
      tools: [
        {
          ...tool('Deferred'),
          defer_loading: true,
          strict: true,
          input_examples: [{ value: 'x' }],
          cache_control: { type: 'ephemeral' },
          eager_input_streaming: true,
          some_future_flag: 1,
        },
        { type: 'custom', ...tool('CustomTyped') },
      ],
    });
    expect(result.status).toBe(200);
    const specs = upstreamTools();
    expect(specs.map((spec) => spec.name)).toEqual(['Deferred', 'CustomTyped']);
    expect(Object.keys(specs[0]!).sort()).toEqual(['description', 'inputSchema', 'name']);
  });

  it('turns tool_choice into an instruction on the current message', async () => {
    const base = { model: MODEL, max_tokens: 64, tools: [tool('Read'), tool('Grep')] };
    const contentFor = async (toolChoice: Anthropic.ToolChoice, text: string) => {
      await stack.anthropic.messages.create({
        ...base,
        tool_choice: toolChoice,
        messages: [{ role: 'user', content: text }],
      });
      return currentMessage(lastChatBody(stack)).content;
    };
    expect(await contentFor({ type: 'tool', name: 'Grep' }, 'find it')).toMatch(
      /^find it\n.*must call the tool "Grep"/,
    );
    expect(await contentFor({ type: 'any' }, 'do something')).toContain(
      'must call at least one of the available tools',
    );
    expect(await contentFor({ type: 'none' }, 'just talk')).toContain('Do not call any tools');
    expect(await contentFor({ type: 'auto', disable_parallel_tool_use: true }, 'one at a time')).toContain(
      'Call at most one tool',
    );
    expect(await contentFor({ type: 'auto' }, 'plain auto')).toBe('plain auto');
  });
});
