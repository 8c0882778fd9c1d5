import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../shared/errors.js';
import { MAX_JSON_DEPTH } from '../../shared/json-depth.js';
import { parseMessagesRequest } from './messages-request.js';

const nest = (depth: number, leaf = '1') =>
  JSON.parse('['.repeat(depth) + leaf + ']'.repeat(depth)) as unknown;
const base = { model: 'claude-sonnet-4-6', max_tokens: 16 };
const hi = [{ role: 'user', content: 'hi' }];

describe('parseMessagesRequest: nesting depth', () => {
  it.each([
    [
      'tools.0.input_schema',
      { tools: [{ name: 't', input_schema: { type: 'object', p: nest(10_000) } }], messages: hi },
    ],
    [
      'messages.0.content.0.input',
      {
        messages: [
          {
            role: 'assistant',
            content: [{ type: 'tool_use', id: 'a', name: 'b', input: { x: nest(10_000) } }],
          },
        ],
      },
    ],
    [
      'messages.0.content.0.content.0.data',
      {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: 'a', content: [{ type: 'x', data: nest(10_000) }] },
            ],
          },
        ],
      },
    ],
    ['metadata', { metadata: { extra: nest(10_000) }, messages: hi }],
    ['anything_else', { anything_else: nest(10_000), messages: hi }],
  ])('names %s when it nests 10 000 levels deep', (field, body) => {
    expect(() => parseMessagesRequest({ ...base, ...body })).toThrow(
      new InvalidRequestError(
        `${field}: nests deeper than ${MAX_JSON_DEPTH} levels (counted from the request body)`,
      ),
    );
  });

  it('accepts a body exactly at the limit', () => {
    // body (1) → anything_else array (2) → …
    expect(() =>
      parseMessagesRequest({ ...base, anything_else: nest(MAX_JSON_DEPTH - 1), messages: hi }),
    ).not.toThrow();
    expect(() =>
      parseMessagesRequest({ ...base, anything_else: nest(MAX_JSON_DEPTH), messages: hi }),
    ).toThrow(InvalidRequestError);
  });

  it('quotes long keys in field paths briefly', () => {
    const key = 'k'.repeat(100_000);
    expect(() => parseMessagesRequest({ ...base, [key]: nest(10_000), messages: hi })).toThrow(
      /^k{40}…: nests deeper/,
    );
  });
});
