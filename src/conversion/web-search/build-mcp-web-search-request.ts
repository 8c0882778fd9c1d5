/** The JSON-RPC 2.0 body of Kiro's `POST /mcp` web search call (protocol §8.2). */
export interface McpRequest {
  id: string;
  jsonrpc: '2.0';
  method: 'tools/call';
  params: { name: 'web_search'; arguments: { query: string } };
}

export interface McpRequestIds {
  /** `n` random characters from [A-Za-z0-9]. */
  random: (n: number) => string;
  /** Epoch milliseconds. */
  now: () => number;
}

/** The id format kiro.rs and the Kiro IDE use: `web_search_tooluse_<22>_<epoch ms>_<8 lowercase>`. */
export const MCP_REQUEST_ID_PATTERN = /^web_search_tooluse_[A-Za-z0-9]{22}_\d+_[a-z0-9]{8}$/;

/** QCLI caps the query at 200 characters. */
export const MAX_WEB_SEARCH_QUERY_LENGTH = 200;

/** Builds the MCP `tools/call` request for a web search; the query is cut at 200 code points. */
export function buildMcpWebSearchRequest(query: string, ids: McpRequestIds): McpRequest {
  const capped = Array.from(query).slice(0, MAX_WEB_SEARCH_QUERY_LENGTH).join('');
  return {
    id: `web_search_tooluse_${ids.random(22)}_${ids.now()}_${ids.random(8).toLowerCase()}`,
    jsonrpc: '2.0',
    method: 'tools/call',
    params: { name: 'web_search', arguments: { query: capped } },
  };
}
