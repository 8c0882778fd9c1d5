import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createToolNameRegistry } from './tool-name-registry.js';

const sha8 = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 8);

describe('createToolNameRegistry', () => {
  it('keeps names up to 63 characters and shortens longer ones deterministically', () => {
    const short = 'x'.repeat(63);
    const long = `mcp__plugin_everything-claude-code__${'y'.repeat(50)}`;
    const registry = createToolNameRegistry([short, long]);
    expect(registry.toKiro(short)).toBe(short);
    expect(registry.toKiro(long)).toBe(`${long.slice(0, 54)}_${sha8(long)}`);
    expect(registry.toKiro(long)).toHaveLength(63);
    expect(createToolNameRegistry([long]).toKiro(long)).toBe(registry.toKiro(long));
    expect([...registry.toolNameMap]).toEqual([[registry.toKiro(long), long]]);
  });

  it('never lets a short form collide with another tool name, case-insensitively', () => {
    const long = `mcp__server__${'z'.repeat(70)}`;
    const natural = `${long.slice(0, 54)}_${sha8(long)}`;
    const registry = createToolNameRegistry([natural.toUpperCase(), long]);
    const short = registry.toKiro(long);
    expect(short).not.toBe(natural);
    expect(short).toBe(`${long.slice(0, 54)}_${sha8(`${long}#1`)}`);
    expect(registry.toolNameMap.get(short)).toBe(long);
  });

  it('gives names sharing their first 54 characters different short forms', () => {
    const base = `mcp__plugin__${'q'.repeat(60)}`;
    const registry = createToolNameRegistry([`${base}_one`, `${base}_two`]);
    expect(registry.toKiro(`${base}_one`)).not.toBe(registry.toKiro(`${base}_two`));
    expect(registry.toolNameMap.size).toBe(2);
  });
});
