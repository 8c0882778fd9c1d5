import { describe, expect, it } from 'vitest';
import { normalizeJsonSchema } from './normalize-json-schema.js';

describe('normalizeJsonSchema', () => {
  it('passes a valid schema through unchanged', () => {
    const schema = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: { path: { type: 'string', description: 'File' }, mode: { enum: ['a', 'b'] } },
      required: ['path'],
      additionalProperties: false,
    };
    expect(normalizeJsonSchema(schema)).toEqual(schema);
  });

  it.each([null, undefined, 'string', 42, [], true])(
    'turns a non-object root %j into an empty object schema',
    (root) => {
      expect(normalizeJsonSchema(root)).toEqual({ type: 'object', properties: {} });
    },
  );

  it('fixes the root type and null required/properties', () => {
    expect(normalizeJsonSchema({ type: 'string', required: null, properties: null })).toEqual({
      type: 'object',
      properties: {},
    });
  });

  it('repairs nested schemas recursively', () => {
    expect(
      normalizeJsonSchema({
        type: 'object',
        properties: {
          a: { type: 'object', properties: null, required: [1, 'x', null], additionalProperties: 'maybe' },
          b: { type: ['integer', 'null'], default: null, enum: [1, null] },
          c: { type: 'array', items: { anyOf: [{ type: 'string' }, null], oneOf: [] } },
          d: null,
          e: false,
          f: { $ref: '#/$defs/g', description: null },
        },
        $defs: { g: { type: 'object', properties: { h: { type: 7 } } } },
      }),
    ).toEqual({
      type: 'object',
      properties: {
        a: { type: 'object', required: ['x'] },
        b: { type: 'integer', enum: [1] },
        c: { type: 'array', items: { anyOf: [{ type: 'string' }, {}] } },
        d: {},
        e: { not: {} },
        f: { $ref: '#/$defs/g' },
      },
      $defs: { g: { type: 'object', properties: { h: {} } } },
    });
  });
});
