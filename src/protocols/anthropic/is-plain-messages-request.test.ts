import { describe, expect, it } from 'vitest';
import { isPlainMessagesRequest } from './is-plain-messages-request.js';
import { messagesRequestSchema, parseMessagesRequest } from './messages-request.js';

/** Every field and block type the schema knows, valid. */
function richRequest(): Record<string, unknown> {
  return {
    model: 'claude-sonnet-4-5',
    max_tokens: 1024,
    stream: true,
    system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
    tools: [
      { name: 'Read', description: 'Reads a file', input_schema: { type: 'object' } },
      { name: 'web_search', type: 'web_search_20250305', max_uses: 3 },
    ],
    tool_choice: { type: 'auto', disable_parallel_tool_use: false },
    thinking: { type: 'enabled', budget_tokens: 2048 },
    output_config: { effort: 'high' },
    metadata: { user_id: 'user-1' },
    temperature: 0.5,
    top_p: 0.9,
    top_k: 40,
    stop_sequences: ['END'],
    messages: [
      { role: 'user', content: 'Hello' },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'hmm', signature: 'sig' },
          { type: 'redacted_thinking', data: 'opaque' },
          { type: 'text', text: 'Reading.' },
          { type: 'tool_use', id: 'toolu_1', name: 'Read', input: { path: '/a' } },
        ],
      },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: 'toolu_1',
            content: [
              { type: 'text', text: 'file' },
              { type: 'search_result', title: 't' },
            ],
            is_error: false,
          },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
          { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } },
          { type: 'document', source: { type: 'text', data: 'doc' }, title: null },
          { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} },
          { type: 'text', text: 'Go on.' },
        ],
      },
    ],
  };
}

/** Paths to every object and array of the request (not inside tool inputs or schemas, which are opaque). */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [];
  const out: (string | number)[][] = [];
  for (const [key, inner] of Object.entries(value)) {
    const path = [...prefix, Array.isArray(value) ? Number(key) : key];
    out.push(path);
    if (key !== 'input' && key !== 'input_schema') out.push(...paths(inner, path));
  }
  return out;
}

const REPLACEMENTS: unknown[] = [
  undefined,
  null,
  0,
  -1,
  1.5,
  2 ** 60,
  '',
  'text',
  'auto',
  true,
  [],
  [{ type: 'text', text: 'x' }],
  {},
  { type: 'text' },
  { type: 'url' },
  JSON.parse('{"__proto__": {"type": "text"}, "type": "text", "text": "x"}'),
];

function withReplacement(path: (string | number)[], replacement: unknown): unknown {
  const copy = structuredClone(richRequest());
  let parent: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (replacement === undefined) delete parent[last];
  else parent[last] = structuredClone(replacement);
  return copy;
}

describe('isPlainMessagesRequest', () => {
  it('accepts a request using every field and block type, exactly as zod parses it', () => {
    const request = richRequest();
    expect(isPlainMessagesRequest(request)).toBe(true);
    expect(messagesRequestSchema.parse(request)).toStrictEqual(request);
    expect(parseMessagesRequest(request)).toBe(request);
  });

  it('never accepts what zod rejects or would change, whatever field is replaced by whatever value', () => {
    let accepted = 0;
    let refused = 0;
    for (const path of paths(richRequest())) {
      for (const replacement of REPLACEMENTS) {
        const body = withReplacement(path, replacement);
        const zod = messagesRequestSchema.safeParse(body);
        if (isPlainMessagesRequest(body)) {
          accepted++;
          expect(zod.success, `${path.join('.')} = ${JSON.stringify(replacement)}`).toBe(true);
          expect(zod.data).toStrictEqual(body);
        } else {
          refused++;
        }
      }
    }
    // Both outcomes occur many times, so the loop really compares the two validators.
    expect(accepted).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(100);
  });

  it('leaves invalid bodies to zod, whose message names the field', () => {
    const body = withReplacement(['messages', 1, 'content', 3, 'id'], undefined);
    expect(isPlainMessagesRequest(body)).toBe(false);
    expect(() => parseMessagesRequest(body)).toThrow('messages.1.content.3.id: Field required');
    expect(isPlainMessagesRequest(null)).toBe(false);
    expect(isPlainMessagesRequest([richRequest()])).toBe(false);
  });
});
