import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMcpWebSearchResponse } from './parse-mcp-web-search-response.js';

const fixture = JSON.parse(
  readFileSync(new URL('./__fixtures__/mcp-response.json', import.meta.url), 'utf8'),
) as unknown;

function reply(payload: unknown) {
  return {
    jsonrpc: '2.0',
    id: 'x',
    result: { isError: false, content: [{ type: 'text', text: JSON.stringify(payload) }] },
  };
}

describe('parseMcpWebSearchResponse', () => {
  it('reads the results out of the JSON string in result.content[0].text', () => {
    const parsed = parseMcpWebSearchResponse(fixture);
    expect(parsed.error).toBeUndefined();
    expect(parsed.results).toHaveLength(3);
    expect(parsed.results[0]).toEqual({
      title: 'Async fn in traits are now stable | Rust Blog',
      url: 'https://blog.rust-lang.org/2023/12/21/async-fn-rpit-in-traits.html',
      snippet: expect.stringMatching(/^The Rust Async Working Group/) as unknown,
      publishedDate: 1703030400000,
      domain: 'blog.rust-lang.org',
    });
    expect(parsed.results[1]).toMatchObject({ title: 'async-trait - crates.io', publishedDate: undefined });
  });

  it('accepts the raw body text as well as parsed JSON', () => {
    expect(parseMcpWebSearchResponse(JSON.stringify(fixture))).toEqual(parseMcpWebSearchResponse(fixture));
  });

  it('turns a JSON-RPC error into no results plus the error', () => {
    const body = {
      jsonrpc: '2.0',
      id: 'x',
      error: { code: -32000, message: 'Search service unavailable', data: null },
    };
    expect(parseMcpWebSearchResponse(body)).toEqual({
      results: [],
      error: 'MCP error -32000: Search service unavailable',
    });
  });

  it('turns isError into no results plus the tool’s message', () => {
    const body = {
      jsonrpc: '2.0',
      id: 'x',
      result: { isError: true, content: [{ type: 'text', text: 'Rate exceeded' }] },
    };
    expect(parseMcpWebSearchResponse(body)).toEqual({ results: [], error: 'Rate exceeded' });
  });

  it.each([
    ['a non-object', 42, 'unreadable MCP response'],
    ['invalid body text', '{"jsonrpc":', 'unreadable MCP response'],
    ['no content', { jsonrpc: '2.0', id: 'x', result: { content: [] } }, 'MCP response has no text content'],
    [
      'a non-JSON text',
      { result: { content: [{ type: 'text', text: 'not json' }] } },
      'unreadable web search results',
    ],
    [
      'a text without results',
      { result: { content: [{ type: 'text', text: '[1,2]' }] } },
      'unreadable web search results',
    ],
  ])('reports %s as an error with no results', (_, body, error) => {
    expect(parseMcpWebSearchResponse(body)).toEqual({ results: [], error });
  });

  it('keeps results and reports an error field inside the payload', () => {
    const parsed = parseMcpWebSearchResponse(
      reply({ results: [{ title: 't', url: 'https://a.example' }], error: 'partial' }),
    );
    expect(parsed).toEqual({
      results: [
        {
          title: 't',
          url: 'https://a.example',
          snippet: undefined,
          publishedDate: undefined,
          domain: undefined,
        },
      ],
      error: 'partial',
    });
  });

  it('tolerates missing or odd fields: no title, dates in seconds or ISO text, missing results', () => {
    const parsed = parseMcpWebSearchResponse(
      reply({
        results: [
          { url: 'https://a.example/x', domain: 'a.example', publishedDate: 1703030400 },
          { title: '  ', url: 'https://b.example', publishedDate: '2024-06-01T00:00:00Z' },
          { title: 'no url' },
          'not an object',
          { title: 'bad date', url: 'https://c.example', publishedDate: 'yesterday' },
        ],
      }),
    );
    expect(parsed.results.map((item) => [item.title, item.publishedDate])).toEqual([
      ['a.example', 1703030400000],
      ['https://b.example', 1717200000000],
      ['bad date', undefined],
    ]);
    expect(parseMcpWebSearchResponse(reply({ totalResults: 0 }))).toEqual({ results: [] });
  });
});
