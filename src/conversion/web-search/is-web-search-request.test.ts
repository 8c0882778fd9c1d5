import { describe, expect, it } from 'vitest';
import {
  parseMessagesRequest,
  type AnthropicMessagesRequest,
} from '../../protocols/anthropic/messages-request.js';
import { isWebSearchRequest } from './is-web-search-request.js';

/** Claude Code 2.1.285's WebSearch side request, as captured by other gateways' tests. */
const claudeCodeWebSearch = {
  model: 'claude-haiku-4-5',
  max_tokens: 32000,
  stream: true,
  system: [
    { type: 'text', text: 'x-anthropic-billing-header: cc_version=2.1.285.3c7; cc_entrypoint=cli;' },
    { type: 'text', text: "You are Claude Code, Anthropic's official CLI for Claude." },
    { type: 'text', text: 'You are an assistant for performing a web search tool use' },
  ],
  messages: [{ role: 'user', content: 'Perform a web search for the query: latest go' }],
  tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 8 }],
  metadata: { user_id: '{"device_id":"d","session_id":"s"}' },
};

function request(overrides: Partial<AnthropicMessagesRequest>): AnthropicMessagesRequest {
  return { ...parseMessagesRequest(claudeCodeWebSearch), ...overrides };
}

describe('isWebSearchRequest', () => {
  it('recognises Claude Code’s WebSearch side request (tool_choice absent, auto or forced)', () => {
    expect(isWebSearchRequest(parseMessagesRequest(claudeCodeWebSearch))).toBe(true);
    expect(isWebSearchRequest(request({ tool_choice: { type: 'auto' } }))).toBe(true);
    expect(isWebSearchRequest(request({ tool_choice: { type: 'tool', name: 'web_search' } }))).toBe(true);
    expect(isWebSearchRequest(request({ tool_choice: { type: 'any' } }))).toBe(true);
  });

  it('accepts newer dated versions of the web search tool', () => {
    for (const type of ['web_search_20260209', 'web_search_20260318']) {
      expect(isWebSearchRequest(request({ tools: [{ type, name: 'web_search' }] }))).toBe(true);
    }
  });

  it.each([
    ['no tools', undefined],
    ['an empty tool list', []],
    [
      'a second tool next to web_search',
      [{ type: 'web_search_20250305', name: 'web_search' }, { name: 'Read' }],
    ],
    ['a client tool named web_search', [{ name: 'web_search', input_schema: { type: 'object' } }]],
    ['a server tool with another name', [{ type: 'web_search_20250305', name: 'websearch' }]],
    ['web_fetch', [{ type: 'web_fetch_20250910', name: 'web_fetch' }]],
    ['a malformed type', [{ type: 'web_search_2025', name: 'web_search' }]],
    ['a type with a suffix', [{ type: 'web_search_20250305_beta', name: 'web_search' }]],
  ])('rejects %s', (_, tools) => {
    expect(isWebSearchRequest(request({ tools }))).toBe(false);
  });

  it('rejects tool_choice none, and a forced choice of some other tool', () => {
    expect(isWebSearchRequest(request({ tool_choice: { type: 'none' } }))).toBe(false);
    expect(isWebSearchRequest(request({ tool_choice: { type: 'tool', name: 'Read' } }))).toBe(false);
  });
});
