import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { findJsonSyntaxError, lineAndColumn, parseJsonText } from './parse-json-text.js';

function errorOf(text: string): ConfigError {
  try {
    parseJsonText(text, 'x.json');
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseJsonText', () => {
  it('accepts a UTF-8 BOM', () => {
    expect(parseJsonText('\uFEFF{"a":1}', 'x.json')).toEqual({ a: 1 });
  });

  it.each([
    ['{\n  "a": 1,\n}', 'line 3, column 1: trailing comma before "}"'],
    ['{\n  "a": }', 'line 2, column 8: unexpected character "}"'],
    ['{"a" 1}', 'line 1, column 6: expected ":" after the property name'],
    ['[1,2,]', 'line 1, column 6: trailing comma before "]"'],
    ['{"a":1', 'line 1, column 7: expected "," or "}", unexpected end of file'],
    ['{\n  // comment\n  "a": 1\n}', 'line 2, column 3: comments are not allowed in JSON'],
    [
      "{'a': 1}",
      'line 1, column 2: expected a property name in double quotes, strings must use double quotes',
    ],
    ['{"a": "b\nc"}', 'line 1, column 9: line break or control character inside a string'],
    ['{} x', 'line 1, column 4: unexpected content after the JSON value'],
    ['{"a": tru}', 'line 1, column 7: unexpected character "t"'],
    ['', 'line 1, column 1: unexpected end of file'],
  ])('locates the error in %j', (text, expected) => {
    const error = errorOf(text);
    expect(error.message).toContain(`x.json: invalid JSON at ${expected}`);
  });

  it('never echoes the file content (it may hold tokens)', () => {
    const error = errorOf('{"refreshToken": "aorSECRETSECRET" "x": 1}');
    expect(error.message).not.toContain('SECRET');
    expect(error.message).not.toContain('\n    at ');
  });

  it('agrees with JSON.parse on what is valid', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string()), (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        expect(findJsonSyntaxError(text) === undefined).toBe(valid);
      }),
      { numRuns: 500 },
    );
  });

  it('computes 1-based positions', () => {
    expect(lineAndColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
  });
});
