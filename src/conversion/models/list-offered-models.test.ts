import { describe, expect, it } from 'vitest';
import { listOfferedModels } from './list-offered-models.js';
import { resolveModel } from './resolve-model.js';

describe('listOfferedModels', () => {
  it('lists offered Claude models newest first, then the family aliases', () => {
    const models = listOfferedModels([
      'claude-sonnet-4.5',
      'auto',
      'claude-opus-5.5',
      'claude-opus-4.7',
      'glm-5',
    ]);
    expect(models.map((model) => [model.id, model.kiroModelId])).toEqual([
      ['claude-opus-5-5', 'claude-opus-5.5'],
      ['claude-opus-4-7', 'claude-opus-4.7'],
      ['claude-sonnet-4-5-20250929', 'claude-sonnet-4.5'],
      ['auto', 'auto'],
      ['opus', 'claude-opus-5.5'],
      ['sonnet', 'claude-sonnet-4.5'],
    ]);
    expect(models[0]).toMatchObject({
      displayName: 'Claude Opus 5.5',
      family: 'opus',
      contextWindow: 1_000_000,
    });
    expect(models[2]).toMatchObject({ displayName: 'Claude Sonnet 4.5', createdAt: '2025-09-29T00:00:00Z' });
  });

  it('lists ids that resolve back to the offered model', () => {
    for (const model of listOfferedModels(['claude-opus-4.8', 'claude-sonnet-5', 'claude-haiku-4.5'])) {
      if (model.id === model.family) continue;
      expect(resolveModel(model.id, {})?.kiroModelId).toBe(model.kiroModelId);
    }
  });
});
