import { describe, expect, it } from 'vitest';
import { MAX_QUOTED_CHARACTERS, quoteInput } from './quote-input.js';

describe('quoteInput', () => {
  it('keeps short input as is', () => {
    expect(quoteInput('claude-sonnet-4-6')).toBe('claude-sonnet-4-6');
    expect(quoteInput('x'.repeat(MAX_QUOTED_CHARACTERS))).toBe('x'.repeat(MAX_QUOTED_CHARACTERS));
  });

  it('cuts long input to the limit and marks the cut', () => {
    expect(quoteInput('x'.repeat(1_000_000))).toBe(`${'x'.repeat(MAX_QUOTED_CHARACTERS)}…`);
    expect(quoteInput('abcdef', 3)).toBe('abc…');
  });

  it('never splits a surrogate pair', () => {
    expect(quoteInput('a😀b', 2)).toBe('a…');
  });
});
