import { describe, expect, it } from 'vitest';
import { listModels } from './model-catalog.js';
import { resolveModel } from './resolve-model.js';

const kiroId = (name: string, mapping: Record<string, string> = {}) =>
  resolveModel(name, mapping)?.kiroModelId;

describe('resolveModel', () => {
  it.each([
    ['claude-sonnet-4-5-20250929', 'claude-sonnet-4.5'],
    ['claude-sonnet-4-5', 'claude-sonnet-4.5'],
    ['claude-sonnet-4.5', 'claude-sonnet-4.5'],
    ['claude-sonnet-4-5-latest', 'claude-sonnet-4.5'],
    ['claude-sonnet-4-6', 'claude-sonnet-4.6'],
    ['claude-sonnet-4-20250514', 'claude-sonnet-4'],
    ['claude-sonnet-4-0', 'claude-sonnet-4'],
    ['claude-opus-4-5-20251101', 'claude-opus-4.5'],
    ['claude-opus-4-6', 'claude-opus-4.6'],
    ['claude-opus-4-7', 'claude-opus-4.7'],
    ['claude-opus-4-8', 'claude-opus-4.8'],
    ['claude-opus-5-5', 'claude-opus-5.5'],
    ['claude-sonnet-5', 'claude-sonnet-5'],
    ['claude-haiku-4-5-20251001', 'claude-haiku-4.5'],
    ['Claude-Haiku-4-5', 'claude-haiku-4.5'],
    ['sonnet', 'claude-sonnet-4.6'],
    ['opus', 'claude-opus-4.7'],
    ['haiku', 'claude-haiku-4.5'],
    ['claude-opus', 'claude-opus-4.7'],
    ['claude-opus-4-6[1m]', 'claude-opus-4.6'],
    ['claude-opus-4-6-thinking', 'claude-opus-4.6'],
    ['claude-sonnet-4-5-20250929-thinking', 'claude-sonnet-4.5'],
    ['claude-opus-4-6-thinking[1m]', 'claude-opus-4.6'],
    ['claude-3-5-sonnet-20241022', 'claude-sonnet-4'],
    ['claude-3-7-sonnet-latest', 'claude-sonnet-4'],
    ['claude-3-5-haiku-20241022', 'claude-haiku-4.5'],
    ['claude-3-haiku-20240307', 'claude-haiku-4.5'],
    ['claude-3-opus-20240229', 'claude-opus-4.5'],
    ['claude-opus-4-1-20250805', 'claude-opus-4.5'],
    ['claude-opus-4-20250514', 'claude-opus-4.5'],
    ['claude-4-sonnet', 'claude-sonnet-4'],
    ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'claude-sonnet-4.5'],
    ['anthropic/claude-sonnet-4.5', 'claude-sonnet-4.5'],
    ['claude-sonnet-4-5@20250929', 'claude-sonnet-4.5'],
    ['CLAUDE_SONNET_4_5_20250929_V1_0', 'claude-sonnet-4.5'],
    ['CLAUDE_3_7_SONNET_20250219_V1_0', 'claude-sonnet-4'],
    ['kiro-claude-sonnet-4.5', 'claude-sonnet-4.5'],
    ['auto', 'auto'],
    ['kiro-auto', 'auto'],
  ])('%s → %s', (name, expected) => {
    expect(kiroId(name)).toBe(expected);
  });

  it.each(['gpt-4o', 'claude-foo-9', 'claude-2.1', 'claude-instant-1.2', 'deepseek-3.2', ''])(
    'rejects %j without a mapping',
    (name) => {
      expect(resolveModel(name, {})).toBeUndefined();
    },
  );

  it('reports context windows, family and suffix flags', () => {
    expect(resolveModel('claude-opus-4-6-thinking[1m]', {})).toEqual({
      requested: 'claude-opus-4-6-thinking[1m]',
      kiroModelId: 'claude-opus-4.6',
      family: 'opus',
      contextWindow: 1_000_000,
      thinkingSuffix: true,
      oneMillionContext: true,
      mapped: false,
    });
    expect(resolveModel('claude-sonnet-4-5', {})?.contextWindow).toBe(200_000);
    expect(resolveModel('claude-sonnet-4-6', {})?.contextWindow).toBe(1_000_000);
    expect(resolveModel('claude-haiku-4-5', {})?.contextWindow).toBe(200_000);
    expect(resolveModel('claude-opus-4-5', {})?.contextWindow).toBe(200_000);
    expect(resolveModel('claude-opus-5-5', {})?.contextWindow).toBe(1_000_000);
    expect(resolveModel('auto', {})).toMatchObject({ family: 'auto', contextWindow: 1_000_000 });
  });

  it('lets the mapping win, with exact names before wildcards and the most specific wildcard first', () => {
    const mapping = {
      'claude-3-*': 'claude-sonnet-4.5',
      'claude-3-5-*': 'claude-haiku-4.5',
      'claude-sonnet-4-5': 'claude-opus-4.5',
      'my-model': 'deepseek-3.2',
      fast: 'haiku',
    };
    expect(kiroId('claude-3-5-sonnet-20241022', mapping)).toBe('claude-haiku-4.5');
    expect(kiroId('claude-3-opus-20240229', mapping)).toBe('claude-sonnet-4.5');
    expect(kiroId('CLAUDE-SONNET-4-5', mapping)).toBe('claude-opus-4.5');
    expect(kiroId('claude-sonnet-4-5-thinking', mapping)).toBe('claude-opus-4.5');
    expect(resolveModel('my-model', mapping)).toMatchObject({
      kiroModelId: 'deepseek-3.2',
      family: 'other',
      mapped: true,
    });
    expect(kiroId('fast', mapping)).toBe('claude-haiku-4.5');
    expect(kiroId('claude-sonnet-4-5', { 'claude-sonnet-4-5': '  ' })).toBe('claude-sonnet-4.5');
  });
});

describe('listModels', () => {
  it('lists Anthropic ids that resolve to their own Kiro model', () => {
    const models = listModels();
    expect(models.length).toBeGreaterThanOrEqual(7);
    for (const model of models) {
      expect(model.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00Z$/);
      expect(resolveModel(model.id, {})).toMatchObject({
        kiroModelId: model.kiroModelId,
        family: model.family,
        contextWindow: model.contextWindow,
      });
    }
  });
});
