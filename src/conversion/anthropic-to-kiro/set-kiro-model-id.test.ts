import { describe, expect, it } from 'vitest';
import type { KiroGenerateRequest } from '../../upstream/kiro-request.js';
import { countUserMessages, setKiroModelId } from './set-kiro-model-id.js';

function request(toolInput: Record<string, unknown>, content = 'hi'): KiroGenerateRequest {
  const user = (text: string) => ({ content: text, modelId: 'claude-opus-5.5', origin: 'AI_EDITOR' });
  return {
    conversationState: {
      chatTriggerType: 'MANUAL',
      conversationId: 'c',
      history: [
        { userInputMessage: user('"modelId":"claude-opus-5.5"') },
        {
          assistantResponseMessage: {
            content: ' ',
            toolUses: [{ toolUseId: 't', name: 'x', input: toolInput }],
          },
        },
      ],
      currentMessage: { userInputMessage: user(content) },
    },
  };
}

function modelIds(body: string): string[] {
  const parsed = JSON.parse(body) as KiroGenerateRequest;
  const history = parsed.conversationState.history ?? [];
  return [
    ...history.flatMap((item) => ('userInputMessage' in item ? [item.userInputMessage.modelId] : [])),
    parsed.conversationState.currentMessage.userInputMessage.modelId,
  ];
}

describe('setKiroModelId', () => {
  it('rewrites every user message and nothing inside strings', () => {
    const original = request({ path: 'a' });
    const body = setKiroModelId(JSON.stringify(original), 'claude-opus-5.5', 'claude-opus-4.7', 2);
    expect(modelIds(body)).toEqual(['claude-opus-4.7', 'claude-opus-4.7']);
    const parsed = JSON.parse(body) as KiroGenerateRequest;
    const first = parsed.conversationState.history?.[0];
    expect(first && 'userInputMessage' in first && first.userInputMessage.content).toBe(
      '"modelId":"claude-opus-5.5"',
    );
  });

  it('leaves a tool input with the same key and value alone', () => {
    const original = request({ modelId: 'claude-opus-5.5' });
    expect(countUserMessages(original)).toBe(2);
    const body = setKiroModelId(JSON.stringify(original), 'claude-opus-5.5', 'claude-opus-4.7', 2);
    expect(modelIds(body)).toEqual(['claude-opus-4.7', 'claude-opus-4.7']);
    const parsed = JSON.parse(body) as KiroGenerateRequest;
    const assistant = parsed.conversationState.history?.[1];
    expect(
      assistant && 'assistantResponseMessage' in assistant && assistant.assistantResponseMessage.toolUses,
    ).toEqual([{ toolUseId: 't', name: 'x', input: { modelId: 'claude-opus-5.5' } }]);
  });

  it('returns the same body when the model does not change', () => {
    const body = JSON.stringify(request({}));
    expect(setKiroModelId(body, 'claude-opus-5.5', 'claude-opus-5.5', 2)).toBe(body);
  });
});
