import { ConfigError } from './errors.js';

/** Removes a leading UTF-8 byte order mark (Windows editors add one). */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * JSON.parse with a BOM-tolerant input and a secret-safe error: `label: invalid JSON at line 3, column 5: …`.
 * V8's own message quotes the source text, which may hold tokens, so it is never used.
 */
export function parseJsonText(text: string, label: string): unknown {
  const source = stripBom(text);
  try {
    return JSON.parse(source) as unknown;
  } catch {
    const syntaxError = findJsonSyntaxError(source) ?? { offset: source.length, message: 'invalid JSON' };
    const { line, column } = lineAndColumn(source, syntaxError.offset);
    throw new ConfigError(label, [`invalid JSON at line ${line}, column ${column}: ${syntaxError.message}`]);
  }
}

export interface JsonSyntaxError {
  offset: number;
  message: string;
}

class SyntaxFailure extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

/** Locates the first syntax error in `source`, or returns undefined when it is valid JSON. */
export function findJsonSyntaxError(source: string): JsonSyntaxError | undefined {
  let position = 0;

  const fail = (message: string, at = position): never => {
    throw new SyntaxFailure(at, message);
  };
  const describe = (at: number): string => {
    if (at >= source.length) return 'unexpected end of file';
    const char = source[at] ?? '';
    if (char === '/' && (source[at + 1] === '/' || source[at + 1] === '*'))
      return 'comments are not allowed in JSON';
    if (char === "'") return 'strings must use double quotes';
    return `unexpected character ${JSON.stringify(char)}`;
  };
  /** `expected X, unexpected character "y"`; a comment is reported on its own. */
  const expected = (what: string, at = position): string => {
    const found = describe(at);
    return found.startsWith('comments') ? found : `expected ${what}, ${found}`;
  };
  const skipWhitespace = (): void => {
    while (position < source.length && ' \t\n\r'.includes(source[position] ?? '')) position += 1;
  };
  const expectLiteral = (literal: string): void => {
    if (source.startsWith(literal, position)) position += literal.length;
    else fail(describe(position));
  };

  const parseString = (): void => {
    position += 1; // opening quote
    for (;;) {
      if (position >= source.length) fail('unterminated string');
      const code = source.charCodeAt(position);
      if (code === 0x22) {
        position += 1;
        return;
      }
      if (code < 0x20) fail('line break or control character inside a string');
      if (code === 0x5c) {
        const escape = source[position + 1] ?? '';
        if (escape === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(source.slice(position + 2, position + 6))) fail('invalid \\u escape');
          position += 6;
        } else if ('"\\/bfnrt'.includes(escape) && escape !== '') {
          position += 2;
        } else {
          fail('invalid escape sequence');
        }
        continue;
      }
      position += 1;
    }
  };

  const parseNumber = (): void => {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(source.slice(position));
    if (!match) return fail('invalid number');
    position += match[0].length;
  };

  const parseValue = (): void => {
    skipWhitespace();
    const char = source[position];
    if (char === '{') parseContainer('}');
    else if (char === '[') parseContainer(']');
    else if (char === '"') parseString();
    else if (char === 't') expectLiteral('true');
    else if (char === 'f') expectLiteral('false');
    else if (char === 'n') expectLiteral('null');
    else if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) parseNumber();
    else fail(describe(position));
  };

  const parseContainer = (close: '}' | ']'): void => {
    position += 1;
    skipWhitespace();
    if (source[position] === close) {
      position += 1;
      return;
    }
    for (;;) {
      skipWhitespace();
      if (close === '}') {
        if (source[position] !== '"') {
          const trailingComma = source[position] === '}';
          fail(trailingComma ? 'trailing comma before "}"' : expected('a property name in double quotes'));
        }
        parseString();
        skipWhitespace();
        if (source[position] !== ':') fail(expected('":" after the property name'));
        position += 1;
      } else if (source[position] === ']') {
        fail('trailing comma before "]"');
      }
      parseValue();
      skipWhitespace();
      const next = source[position];
      if (next === ',') {
        position += 1;
        continue;
      }
      if (next === close) {
        position += 1;
        return;
      }
      fail(expected(`"," or "${close}"`));
    }
  };

  try {
    parseValue();
    skipWhitespace();
    if (position < source.length) fail(`unexpected content after the JSON value (${describe(position)})`);
    return undefined;
  } catch (error) {
    if (error instanceof SyntaxFailure) return { offset: error.offset, message: error.message };
    throw error;
  }
}

/** 1-based line and column of a string offset. */
export function lineAndColumn(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let index = 0; index < offset && index < source.length; index += 1) {
    if (source[index] === '\n') {
      line += 1;
      lineStart = index + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
