// Splits the emulated-thinking text stream (§4.6) into text and thinking segments.
// A small state machine over a short pending buffer: at most the held-back tail plus one chunk.

export type ThinkingSegment =
  { kind: 'text'; text: string } | { kind: 'thinking'; text: string } | { kind: 'thinking-end' };

/** Why the pending buffer must be emptied: a tool use interrupts the text, or the stream ended. */
export type ThinkingBoundary = 'tool' | 'end';

const START_TAG = '<thinking>';
const END_TAG = '</thinking>';
/** Held back while searching for the start tag ("<thinking>".length). */
const START_HOLD_BACK = START_TAG.length;
/** Held back inside thinking ("</thinking>\n\n".length). */
const END_HOLD_BACK = END_TAG.length + 2;

/** A start tag touching one of these characters is quoted or part of other markup, not a real tag. */
const START_TAG_QUOTES = new Set('`"\'\\#!@$%^&*()-_=+[]{};:<>,.?/');
/**
 * Only real quotes disqualify an end tag: "Done.</thinking>\n\n" must close thinking, and the
 * mandatory "\n\n" after it already rules out inline mentions.
 */
const END_TAG_QUOTES = new Set('`"\'\\');

type Phase =
  /** Before the first start tag. Blank text is held until non-blank text proves it is content. */
  | { name: 'searching'; emittedNonBlank: boolean }
  /** Inside the (only) thinking block; one "\n" right after the start tag is dropped. */
  | { name: 'thinking'; stripNewline: boolean }
  /** After thinking: everything is text (later tags too), minus the whitespace right after the end tag. */
  | { name: 'after'; trimLeading: boolean };

type TagMatch = { kind: 'tag'; index: number } | { kind: 'pending'; index: number } | { kind: 'none' };

const isBlank = (text: string): boolean => text.trim().length === 0;

/** Moves a cut position off the middle of a surrogate pair. */
function safeCut(text: string, index: number): number {
  if (index <= 0 || index >= text.length) return Math.max(0, Math.min(index, text.length));
  return (text.charCodeAt(index - 1) & 0xfc00) === 0xd800 ? index - 1 : index;
}

function findStartTag(buffer: string, previousChar: string, final: boolean): TagMatch {
  for (let from = 0; ;) {
    const index = buffer.indexOf(START_TAG, from);
    if (index < 0) return { kind: 'none' };
    from = index + 1;
    const before = index > 0 ? (buffer[index - 1] ?? '') : previousChar;
    if (START_TAG_QUOTES.has(before)) continue;
    const after = buffer[index + START_TAG.length];
    if (after === undefined) return final ? { kind: 'tag', index } : { kind: 'pending', index };
    if (!START_TAG_QUOTES.has(after)) return { kind: 'tag', index };
  }
}

/** A real end tag: followed by "\n\n", or at a boundary by whitespace only. `index` of the tag. */
function findEndTag(buffer: string, previousChar: string, final: boolean): TagMatch {
  for (let from = 0; ;) {
    const index = buffer.indexOf(END_TAG, from);
    if (index < 0) return { kind: 'none' };
    from = index + 1;
    const before = index > 0 ? (buffer[index - 1] ?? '') : previousChar;
    if (END_TAG_QUOTES.has(before)) continue;
    const afterIndex = index + END_TAG.length;
    if (buffer.startsWith('\n\n', afterIndex)) return { kind: 'tag', index };
    // Only whitespace so far: "\n\n" may still come, and at a boundary whitespace is enough.
    if (isBlank(buffer.slice(afterIndex))) return final ? { kind: 'tag', index } : { kind: 'pending', index };
  }
}

export class ThinkingExtractor {
  private phase: Phase = { name: 'searching', emittedNonBlank: false };
  private buffer = '';
  /** Last character handed out, for the "quoted tag" check at buffer position 0. */
  private previousChar = '';

  push(text: string): ThinkingSegment[] {
    const out: ThinkingSegment[] = [];
    if (text.length === 0) return out;
    if (this.phase.name === 'after') {
      this.passThrough(text, out);
      return out;
    }
    this.buffer += text;
    this.drain(out, false);
    return out;
  }

  /** Empties the buffer at a tool use or at the end of the stream; a tool use also ends thinking. */
  flush(boundary: ThinkingBoundary): ThinkingSegment[] {
    const out: ThinkingSegment[] = [];
    this.drain(out, true);
    if (boundary === 'tool') this.previousChar = '';
    return out;
  }

  private drain(out: ThinkingSegment[], final: boolean): void {
    if (this.phase.name === 'searching') this.drainSearching(this.phase, out, final);
    if (this.phase.name === 'thinking') this.drainThinking(this.phase, out, final);
  }

  private drainSearching(phase: Phase & { name: 'searching' }, out: ThinkingSegment[], final: boolean): void {
    const match = findStartTag(this.buffer, this.previousChar, final);
    if (match.kind === 'tag') {
      const before = this.buffer.slice(0, match.index);
      if (phase.emittedNonBlank || !isBlank(before)) this.emitText(before, out);
      this.buffer = this.buffer.slice(match.index + START_TAG.length);
      this.phase = { name: 'thinking', stripNewline: true };
      this.previousChar = '';
      return;
    }
    const cut = this.releasable(match, final, START_HOLD_BACK);
    const candidate = this.buffer.slice(0, cut);
    if (candidate.length === 0) return;
    if (phase.emittedNonBlank || !isBlank(candidate)) {
      this.emitText(candidate, out);
      phase.emittedNonBlank = true;
      this.buffer = this.buffer.slice(cut);
    } else if (final) {
      // Whitespace with nothing before it is not content (adaptive mode's leading "\n\n").
      this.buffer = this.buffer.slice(cut);
    }
  }

  /** How much of the buffer may go out: up to a possible tag, else all but the hold-back (all at the end). */
  private releasable(match: TagMatch, final: boolean, holdBack: number): number {
    const end =
      match.kind === 'pending' ? match.index : final ? this.buffer.length : this.buffer.length - holdBack;
    return safeCut(this.buffer, end);
  }

  private drainThinking(phase: Phase & { name: 'thinking' }, out: ThinkingSegment[], final: boolean): void {
    if (phase.stripNewline && this.buffer.length > 0) {
      if (this.buffer.startsWith('\n')) this.buffer = this.buffer.slice(1);
      phase.stripNewline = false;
    }
    const match = findEndTag(this.buffer, this.previousChar, final);
    if (match.kind === 'tag') {
      this.emitThinking(this.buffer.slice(0, match.index), out);
      const rest = this.buffer.slice(match.index + END_TAG.length);
      this.endThinking(out);
      this.passThrough(rest, out);
      return;
    }
    const cut = this.releasable(match, final, END_HOLD_BACK);
    this.emitThinking(this.buffer.slice(0, cut), out);
    this.buffer = this.buffer.slice(cut);
    // A boundary inside thinking ends it: the model cannot call a tool from inside its thinking.
    if (final) this.endThinking(out);
  }

  private endThinking(out: ThinkingSegment[]): void {
    out.push({ kind: 'thinking-end' });
    this.phase = { name: 'after', trimLeading: true };
    this.buffer = '';
    this.previousChar = '';
  }

  private passThrough(text: string, out: ThinkingSegment[]): void {
    const phase = this.phase;
    if (phase.name !== 'after') return;
    let rest = text;
    if (phase.trimLeading) {
      rest = rest.trimStart();
      if (rest.length === 0) return;
      phase.trimLeading = false;
    }
    this.emitText(rest, out);
  }

  private emitText(text: string, out: ThinkingSegment[]): void {
    if (text.length === 0) return;
    out.push({ kind: 'text', text });
    this.previousChar = text[text.length - 1] ?? '';
  }

  private emitThinking(text: string, out: ThinkingSegment[]): void {
    if (text.length === 0) return;
    out.push({ kind: 'thinking', text });
    this.previousChar = text[text.length - 1] ?? '';
  }
}
