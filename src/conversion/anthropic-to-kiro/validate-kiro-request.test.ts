import { describe, expect, it } from 'vitest';
import { validateKiroRequest } from './validate-kiro-request.js';

const user = (content: string, extra: Record<string, unknown> = {}) => ({
  userInputMessage: { content, modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR', ...extra },
});
const assistant = (content: string, toolUses?: unknown[]) => ({
  assistantResponseMessage: { content, ...(toolUses ? { toolUses } : {}) },
});
const tool = (name: string, json: unknown = { type: 'object', properties: {} }) => ({
  toolSpecification: { name, description: `The ${name} tool`, inputSchema: { json } },
});

function body(history: unknown[] | undefined, current: Record<string, unknown>) {
  return {
    conversationState: {
      agentContinuationId: '00000000-0000-4000-8000-000000000002',
      agentTaskType: 'vibe',
      chatTriggerType: 'MANUAL',
      conversationId: '00000000-0000-4000-8000-000000000001',
      currentMessage: { userInputMessage: current },
      ...(history ? { history } : {}),
    },
  };
}

const current = (content: string, context: Record<string, unknown> = {}) => ({
  ...user(content).userInputMessage,
  userInputMessageContext: context,
});
const use = (id: string, name = 'Read') => ({ toolUseId: id, name, input: {} });
const result = (id: string) => ({ toolUseId: id, content: [{ text: 'ok' }], status: 'success' });

describe('validateKiroRequest', () => {
  it('accepts a valid request', () => {
    const valid = body(
      [user('hi'), assistant(' ', [use('t1')])],
      current('', { toolResults: [result('t1')], tools: [tool('Read')] }),
    );
    expect(validateKiroRequest(valid)).toEqual([]);
  });

  it.each([
    [
      'history starting with assistant',
      body([assistant('a'), user('b')], current('c')),
      'expected a user turn',
    ],
    ['two users in a row', body([user('a'), user('b')], current('c')), 'expected a assistant turn'],
    [
      'history ending with user',
      body([user('a'), assistant('b'), user('c')], current('d')),
      'must end with an assistant turn',
    ],
    ['empty assistant content', body([user('a'), assistant('')], current('c')), 'must be non-empty'],
    ['empty user content without results', body([user(''), assistant('b')], current('c')), 'empty content'],
    [
      'unanswered tool use',
      body([user('a'), assistant(' ', [use('t1')])], current('c', { tools: [tool('Read')] })),
      'no toolResult',
    ],
    [
      'orphan tool result',
      body([user('a'), assistant('b')], current('', { toolResults: [result('t9')] })),
      'answers no toolUse',
    ],
    [
      'duplicate tool result',
      body(
        [user('a'), assistant(' ', [use('t1')])],
        current('', { toolResults: [result('t1'), result('t1')], tools: [tool('Read')] }),
      ),
      'duplicate toolResult',
    ],
    [
      'undeclared history tool',
      body([user('a'), assistant(' ', [use('t1', 'Bash')])], current('', { toolResults: [result('t1')] })),
      'not declared',
    ],
    ['empty toolUses array', body([user('a'), assistant('b', [])], current('c')), 'empty array sent'],
    ['empty tools array', body(undefined, current('c', { tools: [] })), 'empty array sent'],
    [
      'AUTO trigger',
      { conversationState: { ...body(undefined, current('c')).conversationState, chatTriggerType: 'AUTO' } },
      'MANUAL',
    ],
    [
      'null required',
      body(
        undefined,
        current('c', { tools: [tool('X', { type: 'object', properties: {}, required: null })] }),
      ),
      'required',
    ],
    [
      'null properties',
      body(undefined, current('c', { tools: [tool('X', { type: 'object', properties: null })] })),
      'properties',
    ],
    [
      'type list',
      body(
        undefined,
        current('c', {
          tools: [tool('X', { type: 'object', properties: { a: { type: ['string', 'null'] } } })],
        }),
      ),
      'type: must be a string',
    ],
    [
      'non-object schema root',
      body(undefined, current('c', { tools: [tool('X', { type: 'string' })] })),
      'must be "object"',
    ],
    ['long tool name', body(undefined, current('c', { tools: [tool('x'.repeat(65))] })), 'name'],
    ['unknown top-level field', { ...body(undefined, current('c')), systemPrompt: 'x' }, 'unknown field'],
    [
      'data: image prefix',
      body(undefined, {
        ...current('c'),
        images: [{ format: 'png', source: { bytes: 'data:image/png;base64,AA' } }],
      }),
      'plain',
    ],
    ['null field', body(undefined, { ...current('c'), images: null }), 'null'],
    [
      'non-UUID conversation id',
      { conversationState: { ...body(undefined, current('c')).conversationState, conversationId: 'abc' } },
      'UUID',
    ],
  ])('rejects %s', (_name, request, fragment) => {
    const problems = validateKiroRequest(request);
    expect(problems.join('\n')).toContain(fragment);
  });

  it('checks the body size when asked', () => {
    const request = body(undefined, current('x'.repeat(2000)));
    expect(validateKiroRequest(request, { maxBodyBytes: 1000 }).join()).toContain('exceeds 1000');
    expect(validateKiroRequest(request, { maxBodyBytes: 100_000 })).toEqual([]);
  });
});
