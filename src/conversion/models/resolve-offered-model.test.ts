import { describe, expect, it } from 'vitest';
import { resolveModel } from './resolve-model.js';
import type { OfferedModelOptions } from './resolve-offered-model.js';
import { newestOfFamily, resolveOfferedModel } from './resolve-offered-model.js';

const ON: OfferedModelOptions = { defaultKiroModelId: undefined };
const OFFERED = [
  'auto',
  'claude-opus-4.6',
  'claude-opus-4.7',
  'claude-opus-4.5',
  'claude-sonnet-4.6',
  'deepseek-3.2',
];

function choose(
  name: string,
  offered: readonly string[] | undefined,
  options = ON,
  mapping: Record<string, string> = {},
) {
  const model = resolveModel(name, mapping);
  if (!model) throw new Error(`unresolvable ${name}`);
  return resolveOfferedModel(model, offered, options);
}

describe('resolveOfferedModel', () => {
  it('keeps an offered model', () => {
    expect(choose('claude-opus-4-6', OFFERED)).toEqual({
      kiroModelId: 'claude-opus-4.6',
      substituted: false,
    });
  });

  it('serves a newer name than any offered with the newest offered model of its family', () => {
    expect(choose('claude-opus-5-5', OFFERED)).toEqual({ kiroModelId: 'claude-opus-4.7', substituted: true });
    expect(choose('claude-sonnet-5', OFFERED)).toEqual({
      kiroModelId: 'claude-sonnet-4.6',
      substituted: true,
    });
  });

  it('serves a bare family name with the newest offered model of the family', () => {
    expect(choose('opus', [...OFFERED, 'claude-opus-5'])).toEqual({
      kiroModelId: 'claude-opus-5',
      substituted: true,
    });
    expect(choose('claude-sonnet', OFFERED)).toEqual({
      kiroModelId: 'claude-sonnet-4.6',
      substituted: false,
    });
  });

  it('sends the model as resolved while the list is unknown', () => {
    expect(choose('claude-opus-5-5', undefined)).toEqual({
      kiroModelId: 'claude-opus-5.5',
      substituted: false,
    });
  });

  it('falls back to the default model, and to nothing when that is not offered either', () => {
    expect(choose('claude-haiku-4-5', OFFERED)).toBeUndefined();
    const withDefault = { defaultKiroModelId: 'claude-sonnet-4.6' };
    expect(choose('claude-haiku-4-5', OFFERED, withDefault)).toEqual({
      kiroModelId: 'claude-sonnet-4.6',
      substituted: true,
    });
    expect(choose('claude-haiku-4-5', OFFERED, { defaultKiroModelId: 'claude-haiku-4.5' })).toBe(undefined);
    expect(choose('claude-haiku-4-5', OFFERED, { defaultKiroModelId: 'auto' })).toEqual({
      kiroModelId: 'auto',
      substituted: true,
    });
  });

  it('sends a modelMapping target as is, offered or not', () => {
    expect(choose('claude-opus-5-5', OFFERED, ON, { 'claude-opus-5-5': 'claude-opus-4.5' })).toEqual({
      kiroModelId: 'claude-opus-4.5',
      substituted: false,
    });
    expect(choose('fast', OFFERED, ON, { fast: 'glm-5' })).toEqual({
      kiroModelId: 'glm-5',
      substituted: false,
    });
  });
});

describe('newestOfFamily', () => {
  it('compares versions numerically, ignoring other families and non-Claude ids', () => {
    expect(newestOfFamily(['claude-opus-4.10', 'claude-opus-4.9', 'claude-sonnet-9'], 'opus')).toBe(
      'claude-opus-4.10',
    );
    expect(newestOfFamily(['claude-opus-5', 'claude-opus-4.8'], 'opus')).toBe('claude-opus-5');
    expect(newestOfFamily(['auto', 'deepseek-3.2'], 'haiku')).toBeUndefined();
  });
});
