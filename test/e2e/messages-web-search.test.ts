// Hard case 3 (server tool) and §8: Claude Code's WebSearch side request goes to Kiro's /mcp, not
// generateAssistantResponse, and comes back as server_tool_use + web_search_tool_result + text.
import type Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockTypes, collectSse, eventsOfType, messageDelta, postJson } from '../helpers/collect-sse.js';
import { recordBackoff, simId, startPriorityPool } from '../helpers/pool-harness.js';
import type { Stack } from '../helpers/start-stack.js';
import { startStack } from '../helpers/start-stack.js';
import { chatRequests } from '../helpers/upstream-requests.js';

const MODEL = 'claude-sonnet-4-6';

/** What Claude Code's WebSearch tool sends. */
const webSearch = (query: string): Anthropic.MessageCreateParamsNonStreaming => ({
  model: MODEL,
  max_tokens: 1024,
  messages: [{ role: 'user', content: `Perform a web search for the query: ${query}` }],
  tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 8 }],
  tool_choice: { type: 'tool', name: 'web_search' },
});

describe('hard case 3 (server tool): web search through Kiro MCP', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
    recordBackoff(stack);
  });
  afterAll(() => stack.close());

  const lastMcpBody = () => {
    const mcp = stack.sim.stats.requests.filter((request) => request.path.endsWith('/mcp')).at(-1);
    return mcp?.body as
      { method: string; params: { name: string; arguments: { query: string } } } | undefined;
  };

  it('non-streaming: the SDK gets server_tool_use, web_search_tool_result and text', async () => {
    const mcpBefore = stack.sim.stats.mcpCalls;
    const message = await stack.anthropic.messages.create(webSearch('rust async traits'));
    expect(stack.sim.stats.mcpCalls).toBe(mcpBefore + 1);
    expect(chatRequests(stack)).toHaveLength(0);
    expect(lastMcpBody()).toMatchObject({
      method: 'tools/call',
      params: { name: 'web_search', arguments: { query: 'rust async traits' } },
    });

    const types = message.content.map((block) => block.type);
    expect(types).toEqual(['text', 'server_tool_use', 'web_search_tool_result', 'text']);
    const [, toolUse, result, summary] = message.content;
    expect(toolUse).toMatchObject({
      type: 'server_tool_use',
      name: 'web_search',
      input: { query: 'rust async traits' },
    });
    expect(result?.type === 'web_search_tool_result' && result.tool_use_id).toBe(
      toolUse?.type === 'server_tool_use' && toolUse.id,
    );
    const results =
      result?.type === 'web_search_tool_result' && Array.isArray(result.content) ? result.content : [];
    expect(results.map((item) => item.url)).toEqual(
      [1, 2, 3].map((rank) => `https://example.com/rust-async-traits/${rank}`),
    );
    expect(results[0]).toMatchObject({ type: 'web_search_result', title: 'Result 1 for rust async traits' });
    expect(summary).toMatchObject({
      type: 'text',
      text: expect.stringContaining('Result 1 for rust async traits'),
    });
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.output_tokens).toBeGreaterThan(0);
  });

  it('streaming: a grammatical stream with the same blocks, raw and through the SDK', async () => {
    const raw = await collectSse(stack, { ...webSearch('kiro gateway') });
    expect(raw.violations).toEqual([]);
    expect(blockTypes(raw.events)).toEqual(['text', 'server_tool_use', 'web_search_tool_result', 'text']);
    expect(messageDelta(raw.events).usage).toMatchObject({ server_tool_use: { web_search_requests: 1 } });
    const starts = eventsOfType(raw.events, 'content_block_start');
    expect(starts[1]!.content_block).toMatchObject({
      type: 'server_tool_use',
      input: { query: 'kiro gateway' },
    });

    const streamed = await stack.anthropic.messages.stream({ ...webSearch('kiro gateway') }).finalMessage();
    expect(streamed.content.map((block) => block.type)).toEqual([
      'text',
      'server_tool_use',
      'web_search_tool_result',
      'text',
    ]);
    expect(chatRequests(stack)).toHaveLength(0);
  });

  it('an MCP error on the only account: retried, then 502 api_error, streamed and not; never end_turn', async () => {
    stack.sim.setWebSearch({ error: { code: -32000, message: 'search backend down' } });
    try {
      for (const stream of [false, true]) {
        const before = stack.sim.stats.mcpCalls;
        const response = await postJson(stack, { ...webSearch('broken search'), stream });
        expect(response.status).toBe(502);
        expect(response.body).toMatchObject({
          type: 'error',
          error: { type: 'api_error', message: expect.stringContaining('search backend down') as unknown },
        });
        expect(JSON.stringify(response.body)).not.toContain('end_turn');
        // maxAttemptsPerAccount (3).
        expect(stack.sim.stats.mcpCalls - before).toBe(3);
      }
      await expect(
        stack.anthropic.messages.stream(webSearch('broken search via SDK')).finalMessage(),
      ).rejects.toMatchObject({ status: 502 });
    } finally {
      stack.sim.setWebSearch({});
    }
  });

  it('a client tool merely named web_search, or web_search among other tools, uses the normal chat path', async () => {
    const message = await stack.anthropic.messages.create({
      ...webSearch('not server side'),
      tools: [
        { type: 'web_search_20250305', name: 'web_search' },
        { name: 'Read', description: 'Read a file', input_schema: { type: 'object' } },
      ],
      tool_choice: { type: 'auto' },
    });
    expect(message.content[0]).toMatchObject({
      type: 'text',
      text: expect.stringContaining('not server side'),
    });
    expect(chatRequests(stack)).toHaveLength(1);
  });
});

describe('web search on two accounts', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startPriorityPool(2);
  });
  afterAll(() => stack.close());

  const mcpCalls = (account: string) =>
    stack.sim.stats.requests.filter(
      (request) => request.path.endsWith('/mcp') && request.accountId === account,
    ).length;

  it('an MCP error on the first account: the second serves, streamed and not', async () => {
    stack.sim.setWebSearch({ error: { code: -32000, message: 'search backend down', accountId: simId(1) } });
    const message = await stack.anthropic.messages.create(webSearch('failover search'));
    expect(message.content.map((block) => block.type)).toEqual([
      'text',
      'server_tool_use',
      'web_search_tool_result',
      'text',
    ]);
    expect(message.content.at(-1)).toMatchObject({
      text: expect.stringContaining('Result 1 for failover search'),
    });
    expect(message.stop_reason).toBe('end_turn');

    const raw = await collectSse(stack, { ...webSearch('failover stream') });
    expect(raw.violations).toEqual([]);
    expect(blockTypes(raw.events)).toEqual(['text', 'server_tool_use', 'web_search_tool_result', 'text']);
    expect(JSON.stringify(raw.events)).not.toContain('failed');
    expect(mcpCalls(simId(1))).toBe(2);
    expect(mcpCalls(simId(2))).toBe(2);
  });
});
