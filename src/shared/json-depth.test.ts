import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, findTooDeepPath } from './json-depth.js';

const nestedArrays = (depth: number): unknown => JSON.parse('['.repeat(depth) + ']'.repeat(depth));

describe('findTooDeepPath', () => {
  it('accepts nesting up to the limit and reports the path one level past it', () => {
    expect(findTooDeepPath(nestedArrays(MAX_JSON_DEPTH))).toBeUndefined();
    expect(findTooDeepPath(nestedArrays(MAX_JSON_DEPTH + 1))).toEqual(Array(MAX_JSON_DEPTH).fill(0));
    expect(findTooDeepPath({ a: [1, { b: {} }] }, 3)).toEqual(['a', 1, 'b']);
    expect(findTooDeepPath({ a: [1, { b: 'x' }] }, 3)).toBeUndefined();
  });

  it('walks 100 000 levels without recursion', () => {
    const deep = JSON.parse('{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000)) as unknown;
    expect(findTooDeepPath(deep, 3)).toEqual(['a', 'a', 'a']);
  });

  it('ignores scalars and wide but shallow values', () => {
    expect(findTooDeepPath('text')).toBeUndefined();
    expect(findTooDeepPath(Array.from({ length: 200_000 }, (_, index) => ({ index })))).toBeUndefined();
  });
});
