// POST /mcp: the JSON-RPC web_search tool (protocol §8.2).

import type { HandlerOutcome, SimRequest, SimulatorContext } from './simulator-context.js';
import { answerWith, headerValue, namespaceOf } from './simulator-context.js';
import { parseJson } from './http-io.js';
import { isObject } from './request-rejection.js';
import { bearerInvalid } from './upstream-errors.js';
import type { WebSearchConfig, WebSearchResult } from './web-search-config.js';

function defaultResults(query: string): WebSearchResult[] {
  const slug =
    query
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'query';
  return [1, 2, 3].map((rank) => ({
    title: `Result ${rank} for ${query}`,
    url: `https://example.com/${slug}/${rank}`,
    snippet: `Simulated snippet ${rank} about ${query}.`,
    publishedDate: Date.UTC(2025, 0, rank),
  }));
}

function describeResult(result: WebSearchResult, index: number): Record<string, unknown> {
  return {
    title: result.title,
    url: result.url,
    snippet: result.snippet,
    publishedDate: result.publishedDate ?? null,
    id: result.id ?? `result-${index + 1}`,
    domain: result.domain ?? new URL(result.url).hostname,
    maxVerbatimWordLimit: 30,
    publicDomain: false,
  };
}

function rpcError(id: unknown, code: number, message: string, data?: unknown): Record<string, unknown> {
  return { jsonrpc: '2.0', id, error: data === undefined ? { code, message } : { code, message, data } };
}

const WEB_SEARCH_TOOL = {
  name: 'web_search',
  description: 'Search the web.',
  inputSchema: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
};

/** The JSON-RPC answer for a parsed body (HTTP 200 either way, like JSON-RPC over HTTP). */
export function answerMcp(
  body: unknown,
  config: WebSearchConfig,
  accountId: string,
): Record<string, unknown> {
  if (!isObject(body)) return rpcError(null, -32600, 'Invalid Request');
  const id = body.id ?? null;
  if (body.method === 'tools/list') return { jsonrpc: '2.0', id, result: { tools: [WEB_SEARCH_TOOL] } };
  if (body.method !== 'tools/call') return rpcError(id, -32601, 'Method not found');
  const params = isObject(body.params) ? body.params : {};
  const query = isObject(params.arguments) ? params.arguments.query : undefined;
  if (params.name !== 'web_search' || typeof query !== 'string' || query.trim().length === 0) {
    return rpcError(id, -32602, 'Invalid params');
  }
  const { error } = config;
  if (error && (error.accountId === undefined || error.accountId === accountId)) {
    return rpcError(id, error.code, error.message, error.data);
  }
  const results = (config.results ?? defaultResults(query)).map(describeResult);
  const text = JSON.stringify({ results, totalResults: results.length, query, error: null });
  return { jsonrpc: '2.0', id, result: { isError: false, content: [{ type: 'text', text }] } };
}

export function handleMcp(context: SimulatorContext, request: SimRequest): HandlerOutcome {
  context.stats.counters.mcpCalls++;
  const account = context.tokens.authenticate(
    headerValue(request.headers, 'authorization'),
    headerValue(request.headers, 'tokentype'),
    context.options.requireApiKeyTokenType,
  );
  if (!account) return answerWith(bearerInvalid(namespaceOf(request.host)), undefined, 'bearer-invalid');
  const parsed = parseJson(request.body);
  if (!parsed.ok) {
    return {
      status: 400,
      answer: { status: 400, body: rpcError(null, -32700, 'Parse error') },
      accountId: account.id,
    };
  }
  return {
    status: 200,
    answer: { status: 200, body: answerMcp(parsed.value, context.webSearch, account.id) },
    accountId: account.id,
  };
}
