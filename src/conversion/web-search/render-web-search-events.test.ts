import { readFileSync } from 'node:fs';
import { MessageStream } from '@anthropic-ai/sdk/lib/MessageStream';
import { describe, expect, it } from 'vitest';
import { checkAnthropicEventGrammar } from '../../protocols/anthropic/event-grammar.js';
import type { AnthropicStreamEvent } from '../../protocols/anthropic/stream-events.js';
import { countTextTokens } from '../../tokens/claude-tokenizer.js';
import { parseMcpWebSearchResponse, type WebSearchResults } from './parse-mcp-web-search-response.js';
import { renderWebSearchEvents, type RenderWebSearchEventsInput } from './render-web-search-events.js';

const readFixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8')) as unknown;

const TOOL_USE_ID = 'srvtoolu_0123456789abcdef0123456789abcdef';

function render(results: WebSearchResults, overrides: Partial<RenderWebSearchEventsInput> = {}) {
  return renderWebSearchEvents({
    query: 'rust async traits',
    results: results.results,
    model: 'claude-sonnet-4-5-20250929',
    messageId: 'msg_0123456789abcdef01234567',
    toolUseId: TOOL_USE_ID,
    inputTokens: 2345,
    countTokens: (text) => Math.ceil(text.length / 4),
    ...overrides,
  });
}

function summaryText(events: AnthropicStreamEvent[]): string {
  return events
    .filter((event) => event.type === 'content_block_delta' && event.index === 3)
    .map((event) =>
      event.type === 'content_block_delta' && event.delta.type === 'text_delta' ? event.delta.text : '',
    )
    .join('');
}

describe('renderWebSearchEvents', () => {
  it('renders the golden event list for a recorded-shape MCP response', () => {
    const events = render(parseMcpWebSearchResponse(readFixture('mcp-response.json')));
    expect(events).toEqual(readFixture('expected-events.json'));
  });

  it('keeps the Anthropic event grammar: one start, blocks 0–3 opened and closed in order, delta, stop', () => {
    const events = render(parseMcpWebSearchResponse(readFixture('mcp-response.json')));
    const types = events.map((event) => ('index' in event ? `${event.type}:${event.index}` : event.type));
    expect(types[0]).toBe('message_start');
    expect(types.slice(-2)).toEqual(['message_delta', 'message_stop']);
    const opened = types.filter((type) => type.startsWith('content_block_start'));
    const closed = types.filter((type) => type.startsWith('content_block_stop'));
    expect(opened.map((type) => type.split(':')[1])).toEqual(['0', '1', '2', '3']);
    expect(closed.map((type) => type.split(':')[1])).toEqual(['0', '1', '2', '3']);
  });

  it('passes the gateway’s Anthropic event-grammar checker with results or none', () => {
    const results = parseMcpWebSearchResponse(readFixture('mcp-response.json'));
    for (const input of [results, { results: [] }]) {
      expect(checkAnthropicEventGrammar(render(input))).toEqual([]);
    }
  });

  it('links the result block to the server_tool_use block', () => {
    const events = render({ results: [] });
    const blocks = events.flatMap((event) =>
      event.type === 'content_block_start' ? [event.content_block] : [],
    );
    expect(blocks[1]).toEqual({
      type: 'server_tool_use',
      id: TOOL_USE_ID,
      name: 'web_search',
      input: { query: 'rust async traits' },
    });
    expect(blocks[2]).toMatchObject({ type: 'web_search_tool_result', tool_use_id: TOOL_USE_ID });
  });

  it('streams the summary in deltas of at most 100 characters, never splitting a surrogate pair', () => {
    const events = render(parseMcpWebSearchResponse(readFixture('mcp-response.json')));
    const deltas = events.flatMap((event) =>
      event.type === 'content_block_delta' && event.index === 3 && event.delta.type === 'text_delta'
        ? [event.delta.text]
        : [],
    );
    expect(deltas.length).toBeGreaterThan(5);
    for (const delta of deltas) {
      expect(Array.from(delta).length).toBeLessThanOrEqual(100);
      expect(delta).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
    }
  });

  it('renders an empty result list (Claude Code shows "No links found.")', () => {
    const events = render({ results: [] });
    const result = events.find((event) => event.type === 'content_block_start' && event.index === 2);
    expect(result).toMatchObject({ content_block: { content: [] } });
    expect(summaryText(events)).toContain('No results found.');
  });

  it('reports one search request, end_turn, and real token counts with the Claude tokenizer', () => {
    const results = parseMcpWebSearchResponse(readFixture('mcp-response.json'));
    const events = render(results, { countTokens: countTextTokens });
    const delta = events.find((event) => event.type === 'message_delta');
    expect(delta).toMatchObject({
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: {
        server_tool_use: { web_search_requests: 1 },
        cache_read_input_tokens: 0,
        cache_creation_input_tokens: 0,
      },
    });
    if (delta?.type !== 'message_delta') throw new Error('no message_delta');
    expect(delta.usage.output_tokens).toBeGreaterThan(countTextTokens(summaryText(events)));
    // The results the model would read count as input, as on Anthropic.
    expect(delta.usage.input_tokens).toBeGreaterThan(2345 + 100);
  });

  it('is consumed by the official SDK’s MessageStream into the expected final message', async () => {
    const events = render(parseMcpWebSearchResponse(readFixture('mcp-response.json')));
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const event of events)
          controller.enqueue(new TextEncoder().encode(`${JSON.stringify(event)}\n`));
        controller.close();
      },
    });
    const message = await MessageStream.fromReadableStream(body).finalMessage();
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.server_tool_use?.web_search_requests).toBe(1);
    expect(message.content.map((block) => block.type)).toEqual([
      'text',
      'server_tool_use',
      'web_search_tool_result',
      'text',
    ]);
    const result = message.content[2];
    expect(result?.type === 'web_search_tool_result' && result.tool_use_id).toBe(TOOL_USE_ID);
    expect(message.content[3]?.type === 'text' && message.content[3].text).toBe(summaryText(events));
  });
});
