import { describe, expect, it } from 'vitest';
import { countCharacters, truncateCharacters } from './truncate-characters.js';

describe('truncateCharacters', () => {
  it('counts code points and never splits a surrogate pair', () => {
    expect(countCharacters('a😀b')).toBe(3);
    expect(truncateCharacters('a😀b', 2)).toBe('a😀');
    expect(truncateCharacters('a😀b', 1)).toBe('a');
    expect(truncateCharacters('中文字符', 3)).toBe('中文字');
    expect(truncateCharacters('short', 10)).toBe('short');
    expect(Buffer.from(truncateCharacters('😀'.repeat(10), 5)).toString()).toBe('😀'.repeat(5));
  });
});
