import { countTokens } from '@anthropic-ai/tokenizer';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { countNormalizedTokens, countTextTokens, countTokensUncached, sliceEnd } from './claude-tokenizer.js';

describe('countTextTokens', () => {
  it.each([
    ['', 0],
    ['hello', 1],
    ['Hello, world!', 4],
    ['The quick brown fox jumps over the lazy dog.', 10],
    ['function add(a, b) {\n  return a + b;\n}', 16],
  ])('counts %j as %i tokens (pinned Claude tokenizer values)', (text, expected) => {
    expect(countTextTokens(text)).toBe(expected);
  });

  it.each([
    ['你好，世界', 6],
    ['日本語のテキストです。', 10],
    ['👍', 2],
    ['👨‍👩‍👧‍👦', 14],
  ])('counts CJK and emoji %j as %i tokens', (text, expected) => {
    expect(countTextTokens(text)).toBe(expected);
  });

  it('applies NFKC normalisation first, like the reference countTokens', () => {
    expect(countTextTokens('ｈｅｌｌｏ')).toBe(countTextTokens('hello'));
  });

  it('agrees with the reference implementation on ordinary prose and code', () => {
    const text = `${'The gateway counts tokens for every request before the first byte. '.repeat(40)}
export function add(a: number, b: number): number {
  return a + b; // 加法 ✓
}`;
    expect(countTextTokens(text)).toBe(countTokens(text));
  });

  it('counts a 100 000-character run of one letter (quadratic in one BPE piece) in slices', () => {
    // Unsliced this takes ~12 s; sliced, the count is unchanged (16 letters per token).
    expect(countTextTokens('a'.repeat(100_000))).toBe(6250);
  });

  it('never cuts a surrogate pair when slicing long runs', () => {
    // 300 emoji (600 UTF-16 units) and 300 astral CJK letters, both longer than one slice.
    expect(countTextTokens('😀'.repeat(300))).toBe(countTokens('😀'.repeat(300)));
    expect(countTextTokens('𠀀'.repeat(300))).toBe(countTokens('𠀀'.repeat(300)));
  });

  it('returns the same count for a long text on a cache hit, even from a new string object', () => {
    const text = 'lorem ipsum dolor sit amet '.repeat(200);
    const first = countTextTokens(text);
    expect(countTextTokens(text.split('').join(''))).toBe(first);
  });
});

describe('sliceEnd', () => {
  const pieces = [
    'a',
    'Zb',
    '1',
    '42',
    ' ',
    '  ',
    '\n',
    '\t',
    "'",
    "'s",
    "'ll",
    '-',
    '.,',
    'é',
    '中文',
    '😀',
    '𠀀',
    'ß',
    'İ',
  ];
  const specials = ['<EOT>', '<META_END>', '<SOS', 'x1y', '3.14', '__'];

  it('cuts only where the slices count exactly what the whole counts (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...pieces, ...specials), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 8 }),
        (parts, size) => {
          const text = parts.join('').normalize('NFKC');
          let sliced = 0;
          for (let start = 0; start < text.length;) {
            const end = sliceEnd(text, start, size);
            expect(end).toBeGreaterThan(start);
            sliced += countNormalizedTokens(text.slice(start, end));
            start = end;
          }
          expect(sliced).toBe(countTokensUncached(text));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('never cuts inside a special token', () => {
    expect(sliceEnd('ab<EOT>cd', 3, 1)).toBe(9);
    expect(sliceEnd('x<META_END>y z', 2, 1)).toBe(12);
  });
});
