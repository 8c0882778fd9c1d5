import { describe, expect, it } from 'vitest';
import { parseMessagesRequest } from '../../protocols/anthropic/messages-request.js';
import { resolveModel } from '../models/resolve-model.js';
import { resolveThinking } from './resolve-thinking.js';
import { buildThinkingPrefix, hasThinkingTags } from './thinking-prefix.js';

function thinkingFor(model: string, extra: Record<string, unknown> = {}) {
  const request = parseMessagesRequest({
    model,
    max_tokens: 10,
    messages: [{ role: 'user', content: 'x' }],
    ...extra,
  });
  const warnings: string[] = [];
  const settings = resolveThinking(request, resolveModel(model, {})!, warnings);
  return { settings, warnings };
}

describe('resolveThinking', () => {
  it.each([
    [{}, { mode: 'off' }],
    [{ thinking: { type: 'disabled' } }, { mode: 'off' }],
    [{ thinking: { type: 'enabled' } }, { mode: 'enabled', budgetTokens: 20_000 }],
    [{ thinking: { type: 'enabled', budget_tokens: 100 } }, { mode: 'enabled', budgetTokens: 1_024 }],
    [{ thinking: { type: 'enabled', budget_tokens: 31_999 } }, { mode: 'enabled', budgetTokens: 24_576 }],
    [{ thinking: { type: 'adaptive' } }, { mode: 'adaptive', effort: 'high' }],
    [
      { thinking: { type: 'adaptive' }, output_config: { effort: 'MAX' } },
      { mode: 'adaptive', effort: 'max' },
    ],
    [{ thinking: { type: 'adaptive', effort: 'low' } }, { mode: 'adaptive', effort: 'low' }],
  ])('claude-sonnet-4-5 with %j → %j', (extra, expected) => {
    expect(thinkingFor('claude-sonnet-4-5', extra).settings).toEqual(expected);
  });

  it('warns on an unknown effort and uses high', () => {
    const { settings, warnings } = thinkingFor('claude-opus-4-6', {
      thinking: { type: 'adaptive' },
      output_config: { effort: 'turbo' },
    });
    expect(settings).toEqual({ mode: 'adaptive', effort: 'high' });
    expect(warnings).toHaveLength(1);
  });

  it('forces thinking for -thinking model names: adaptive on 4.6+, enabled before', () => {
    expect(thinkingFor('claude-opus-4-6-thinking').settings).toEqual({ mode: 'adaptive', effort: 'high' });
    expect(thinkingFor('claude-sonnet-4-6-thinking', { thinking: { type: 'disabled' } }).settings.mode).toBe(
      'adaptive',
    );
    expect(thinkingFor('claude-sonnet-4-5-thinking').settings).toEqual({
      mode: 'enabled',
      budgetTokens: 20_000,
    });
    expect(thinkingFor('claude-haiku-4-5-thinking').settings.mode).toBe('enabled');
    expect(
      thinkingFor('claude-opus-4-6-thinking', { thinking: { type: 'enabled', budget_tokens: 5000 } })
        .settings,
    ).toEqual({
      mode: 'enabled',
      budgetTokens: 5000,
    });
  });
});

describe('buildThinkingPrefix', () => {
  it('renders the protocol §3.10 tags', () => {
    expect(buildThinkingPrefix({ mode: 'enabled', budgetTokens: 20_000 })).toBe(
      '<thinking_mode>enabled</thinking_mode><max_thinking_length>20000</max_thinking_length>',
    );
    expect(buildThinkingPrefix({ mode: 'adaptive', effort: 'high' })).toBe(
      '<thinking_mode>adaptive</thinking_mode><thinking_effort>high</thinking_effort>',
    );
    expect(buildThinkingPrefix({ mode: 'off' })).toBeUndefined();
    expect(hasThinkingTags('x <max_thinking_length>5</max_thinking_length>')).toBe(true);
    expect(hasThinkingTags('plain')).toBe(false);
  });
});
