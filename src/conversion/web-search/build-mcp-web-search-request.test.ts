import { describe, expect, it } from 'vitest';
import {
  MCP_REQUEST_ID_PATTERN,
  buildMcpWebSearchRequest,
  type McpRequestIds,
} from './build-mcp-web-search-request.js';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Deterministic alphanumeric source: cycles through the alphabet. */
function fixedIds(now = 1745480000123): McpRequestIds & { lengths: number[] } {
  const lengths: number[] = [];
  let next = 0;
  return {
    lengths,
    now: () => now,
    random: (n) => {
      lengths.push(n);
      return Array.from({ length: n }, () => ALPHANUMERIC[next++ % ALPHANUMERIC.length]).join('');
    },
  };
}

describe('buildMcpWebSearchRequest', () => {
  it('builds the JSON-RPC tools/call body of protocol §8.2', () => {
    const ids = fixedIds();
    expect(buildMcpWebSearchRequest('rust async traits', ids)).toEqual({
      id: 'web_search_tooluse_ABCDEFGHIJKLMNOPQRSTUV_1745480000123_wxyzabcd',
      jsonrpc: '2.0',
      method: 'tools/call',
      params: { name: 'web_search', arguments: { query: 'rust async traits' } },
    });
    expect(ids.lengths).toEqual([22, 8]);
  });

  it('produces ids of the exact kiro.rs format, the 8-character tail lower-cased', () => {
    const { id } = buildMcpWebSearchRequest('q', fixedIds());
    expect(id).toMatch(MCP_REQUEST_ID_PATTERN);
    expect(
      MCP_REQUEST_ID_PATTERN.test('web_search_tooluse_Ab3dE5gH7jK9mN1pQ3sT5v_1745480000123_k3j5h7g9'),
    ).toBe(true);
    expect(
      MCP_REQUEST_ID_PATTERN.test('web_search_tooluse_Ab3dE5gH7jK9mN1pQ3sT5v_1745480000123_K3J5H7G9'),
    ).toBe(false);
    expect(MCP_REQUEST_ID_PATTERN.test('web_search_tooluse_short_1745480000123_k3j5h7g9')).toBe(false);
  });

  it('caps the query at 200 characters without splitting a surrogate pair', () => {
    const query = `${'a'.repeat(199)}🦀🦀 and more`;
    const capped = buildMcpWebSearchRequest(query, fixedIds()).params.arguments.query;
    expect(capped).toBe(`${'a'.repeat(199)}🦀`);
    expect(buildMcpWebSearchRequest('x'.repeat(500), fixedIds()).params.arguments.query).toHaveLength(200);
  });
});
