import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ThinkingBoundary, ThinkingSegment } from './thinking-extractor.js';
import { ThinkingExtractor } from './thinking-extractor.js';

/** Feeds the chunks, flushes at the end, and merges adjacent segments of the same kind. */
function extract(chunks: readonly string[], boundary: ThinkingBoundary = 'end'): ThinkingSegment[] {
  const extractor = new ThinkingExtractor();
  const segments = [...chunks.flatMap((chunk) => extractor.push(chunk)), ...extractor.flush(boundary)];
  return merge(segments);
}

function merge(segments: readonly ThinkingSegment[]): ThinkingSegment[] {
  const merged: ThinkingSegment[] = [];
  for (const segment of segments) {
    const last = merged.at(-1);
    if (
      last !== undefined &&
      last.kind === segment.kind &&
      last.kind !== 'thinking-end' &&
      segment.kind !== 'thinking-end'
    ) {
      merged[merged.length - 1] = { kind: last.kind, text: last.text + segment.text };
    } else {
      merged.push(segment);
    }
  }
  return merged;
}

const text = (value: string): ThinkingSegment => ({ kind: 'text', text: value });
const thinking = (value: string): ThinkingSegment => ({ kind: 'thinking', text: value });
const END: ThinkingSegment = { kind: 'thinking-end' };
/** In `u` mode a surrogate pair is one code point, so this matches lone halves only. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

describe('ThinkingExtractor', () => {
  it('extracts the thinking block and the text after it', () => {
    expect(extract(['<thinking>\nplan\n</thinking>\n\nanswer'])).toEqual([
      thinking('plan\n'),
      END,
      text('answer'),
    ]);
  });

  it('strips exactly one newline after the start tag, even when it arrives in the next chunk', () => {
    expect(extract(['<thinking>', '\n\nplan</thinking>\n\nok'])).toEqual([
      thinking('\nplan'),
      END,
      text('ok'),
    ]);
  });

  it('drops whitespace-only text before the tag and keeps real text', () => {
    expect(extract(['\n\n', '<thinking>\nx\n</thinking>\n\ny'])).toEqual([thinking('x\n'), END, text('y')]);
    expect(extract(['Sure.\n\n<thinking>\nx\n</thinking>\n\ny'])).toEqual([
      text('Sure.\n\n'),
      thinking('x\n'),
      END,
      text('y'),
    ]);
  });

  it('holds back a possible tag prefix instead of emitting it as text', () => {
    const extractor = new ThinkingExtractor();
    const emitted = extractor.push('Hello world <thin');
    expect(emitted.map((segment) => (segment.kind === 'text' ? segment.text : '')).join('')).not.toContain(
      '<',
    );
    expect(
      merge([...emitted, ...extractor.push('king>\nx</thinking>\n\n'), ...extractor.flush('end')]),
    ).toEqual([text('Hello world '), thinking('x'), END]);
  });

  it('leaves quoted or embedded start tags alone', () => {
    for (const quoted of [
      '`<thinking>`',
      '"<thinking>"',
      "'<thinking>'",
      'x(<thinking>)',
      '\\<thinking>',
      '<thinking>.',
    ]) {
      expect(extract([`see ${quoted} here`])).toEqual([text(`see ${quoted} here`)]);
    }
  });

  it('waits for the character after a start tag before deciding', () => {
    expect(extract(['a <thinking>', '`'])).toEqual([text('a <thinking>`')]);
    expect(extract(['a <thinking>', '\nb</thinking>\n\n'])).toEqual([text('a '), thinking('b'), END]);
  });

  it('needs "\\n\\n" after a real end tag while streaming', () => {
    expect(extract(['<thinking>\nsay </thinking> here\n</thinking>\n\ndone'])).toEqual([
      thinking('say </thinking> here\n'),
      END,
      text('done'),
    ]);
  });

  it('ignores quoted end tags but accepts punctuation before a real one', () => {
    expect(extract(['<thinking>\nuse "</thinking>\n\n" to close.</thinking>\n\nok'])).toEqual([
      thinking('use "</thinking>\n\n" to close.'),
      END,
      text('ok'),
    ]);
  });

  it('accepts an end tag followed only by whitespace at the end of the stream or before a tool', () => {
    expect(extract(['<thinking>\nx</thinking>  \n'])).toEqual([thinking('x'), END]);
    expect(extract(['<thinking>\nx</thinking>\n'], 'tool')).toEqual([thinking('x'), END]);
    expect(extract(['<thinking>\nx</thinking> \n', 'more'])).toEqual([thinking('x</thinking> \nmore'), END]);
  });

  it('treats an unterminated thinking block as thinking until the end', () => {
    expect(extract(['<thinking>\nstill thinking </thinking> and more'])).toEqual([
      thinking('still thinking </thinking> and more'),
      END,
    ]);
  });

  it('extracts only the first thinking block', () => {
    expect(extract(['<thinking>\na</thinking>\n\nb <thinking>\nc</thinking>\n\n'])).toEqual([
      thinking('a'),
      END,
      text('b <thinking>\nc</thinking>\n\n'),
    ]);
  });

  it('trims whitespace after the end tag across chunks', () => {
    expect(extract(['<thinking>\na</thinking>\n\n', '\n  ', '  text'])).toEqual([
      thinking('a'),
      END,
      text('text'),
    ]);
  });

  it('ends thinking at a tool boundary and keeps later text as text', () => {
    const extractor = new ThinkingExtractor();
    const segments = [
      ...extractor.push('<thinking>\nread it'),
      ...extractor.flush('tool'),
      ...extractor.push('<thinking> is text now'),
      ...extractor.flush('end'),
    ];
    expect(merge(segments)).toEqual([thinking('read it'), END, text('<thinking> is text now')]);
  });

  it('flushes held-back text at a tool boundary', () => {
    const extractor = new ThinkingExtractor();
    expect(extractor.push('Checking')).toEqual([]);
    expect(extractor.flush('tool')).toEqual([text('Checking')]);
  });

  it('never cuts a surrogate pair', () => {
    const emoji = '🚀'.repeat(20);
    for (const source of [emoji, `<thinking>\n${emoji}</thinking>\n\n${emoji}`, `ab${emoji}<thinking>\n`]) {
      const characters = Array.from(source);
      for (let offset = 1; offset < characters.length; offset += 1) {
        const extractor = new ThinkingExtractor();
        const all = [
          ...extractor.push(characters.slice(0, offset).join('')),
          ...extractor.push(characters.slice(offset).join('')),
          ...extractor.flush('end'),
        ];
        for (const segment of all) {
          if (segment.kind !== 'thinking-end') expect(segment.text).not.toMatch(LONE_SURROGATE);
        }
      }
    }
  });

  it('gives the same result for any chunking (property)', () => {
    const piece = fc.constantFrom(
      '<thinking>',
      '</thinking>',
      '<thinking>\n',
      '</thinking>\n\n',
      '\n',
      '\n\n',
      ' ',
      '`',
      '"',
      '.',
      'a',
      'word ',
      'é',
      '中',
      '🚀',
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.constantFrom<ThinkingBoundary>('end', 'tool'),
        (pieces, rawCuts, boundary) => {
          const whole = pieces.join('');
          const characters = Array.from(whole);
          const cuts = [...new Set(rawCuts.map((cut) => cut % (characters.length + 1)))].sort(
            (a, b) => a - b,
          );
          const bounds = [0, ...cuts, characters.length];
          const chunks = bounds.slice(1).map((end, i) => characters.slice(bounds[i], end).join(''));
          expect(extract(chunks, boundary)).toEqual(extract([whole], boundary));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
