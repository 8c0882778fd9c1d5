import { describe, expect, it } from 'vitest';
import type {
  AnthropicMessage,
  AnthropicMessagesRequest,
} from '../../protocols/anthropic/messages-request.js';
import { InvalidRequestError } from '../../shared/errors.js';
import { extractWebSearchQuery } from './extract-web-search-query.js';

function request(...messages: AnthropicMessage[]): AnthropicMessagesRequest {
  return {
    model: 'claude-sonnet-4-5',
    messages,
    tools: [{ type: 'web_search_20250305', name: 'web_search' }],
  };
}

describe('extractWebSearchQuery', () => {
  it('reads a plain string message (Claude Code 2.1.28x)', () => {
    const query = extractWebSearchQuery(
      request({ role: 'user', content: 'Perform a web search for the query: latest go' }),
    );
    expect(query).toBe('latest go');
  });

  it('reads a single text block, with cache_control (Claude Code 2.1.21x)', () => {
    const message: AnthropicMessage = {
      role: 'user',
      content: [
        {
          type: 'text',
          text: 'Perform a web search for the query: NEET marks 2026',
          cache_control: { type: 'ephemeral' },
        },
      ],
    };
    expect(extractWebSearchQuery(request(message))).toBe('NEET marks 2026');
  });

  it('uses the whole text when there is no prefix (other clients)', () => {
    expect(extractWebSearchQuery(request({ role: 'user', content: 'rust async traits' }))).toBe(
      'rust async traits',
    );
  });

  it('trims whitespace and keeps CJK and emoji intact', () => {
    const content = '  Perform a web search for the query:  东京 天气 🌧️ \n';
    expect(extractWebSearchQuery(request({ role: 'user', content }))).toBe('东京 天气 🌧️');
  });

  it('prefers the text block carrying the prefix over an earlier reminder block', () => {
    const message: AnthropicMessage = {
      role: 'user',
      content: [
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
        { type: 'text', text: '<system-reminder>Today is 2026-07-01.</system-reminder>' },
        { type: 'text', text: 'Perform a web search for the query: node 24 release date' },
      ],
    };
    expect(extractWebSearchQuery(request(message))).toBe('node 24 release date');
  });

  it('skips system and developer messages placed inside messages (Claude Code 2.1.143+)', () => {
    const query = extractWebSearchQuery(
      request(
        { role: 'system', content: 'You are an assistant for performing a web search tool use' },
        { role: 'user', content: 'Perform a web search for the query: bun 2 changelog' },
      ),
    );
    expect(query).toBe('bun 2 changelog');
  });

  it('uses the first user message, not later turns (protocol §8.1)', () => {
    const query = extractWebSearchQuery(
      request(
        { role: 'user', content: 'Perform a web search for the query: first' },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: 'Perform a web search for the query: second' },
      ),
    );
    expect(query).toBe('first');
  });

  it.each([
    ['no messages', []],
    ['only the prefix', [{ role: 'user', content: 'Perform a web search for the query:   ' }]],
    ['an empty string', [{ role: 'user', content: '' }]],
    [
      'an image-only message',
      [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'x' } }] }],
    ],
    ['no user message', [{ role: 'assistant', content: 'Perform a web search for the query: x' }]],
  ] as [string, AnthropicMessage[]][])('throws a 400 invalid_request_error for %s', (_, messages) => {
    const attempt = () => extractWebSearchQuery(request(...messages));
    expect(attempt).toThrow(InvalidRequestError);
    expect(attempt).toThrow(/no query/);
  });
});
