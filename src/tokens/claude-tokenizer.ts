import { getTokenizer } from '@anthropic-ai/tokenizer';
import { TextCountCache } from './text-count-cache.js';

// Loads Anthropic's WASM tokenizer (~33 MB). The gateway only ever imports this in its tokenizer
// worker (tokenizer-worker.ts); the simulator and tests use it directly.

type Tokenizer = ReturnType<typeof getTokenizer>;

let tokenizer: Tokenizer | undefined;

/**
 * BPE cost is quadratic in the length of one pre-token (a run of letters, digits, symbols or
 * whitespace): 200 000 × "a" takes ~50 s, 20 000 CJK characters ~4 s. Longer runs are encoded in
 * slices of this many characters, which costs at most about one token per slice in accuracy.
 */
const MAX_RUN_LENGTH = 256;
const LONG_RUN = new RegExp(
  ['\\p{L}', '\\p{N}', '[^\\s\\p{L}\\p{N}]', '\\s'].map((run) => `${run}{${MAX_RUN_LENGTH + 1},}`).join('|'),
  'gu',
);

/**
 * Where one pre-token surely ends and the next begins: after a letter or digit, before a character
 * of another class. The pre-token pattern (`'s|'t|…| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`)
 * has no lookbehind and no pre-token holds a letter or digit and then something else, so the counts
 * of the two sides add up to the count of the whole.
 */
const PRE_TOKEN_BOUNDARY = /(?<=\p{L})(?!\p{L})|(?<=\p{N})(?!\p{N})/gu;
/** Encoded whole with 'all': a boundary inside one (`<EO|T>`) is no boundary. */
const SPECIAL_TOKENS = ['<EOT>', '<META>', '<META_START>', '<META_END>', '<SOS>'];

function insideSpecialToken(text: string, position: number): boolean {
  const from = text.lastIndexOf('<', position - 1);
  return (
    from !== -1 &&
    SPECIAL_TOKENS.some((token) => position < from + token.length && text.startsWith(token, from))
  );
}

function encoder(): Tokenizer {
  // Loading the BPE ranks takes ~170 ms and ~50 MB, so it happens once, on first use.
  tokenizer ??= getTokenizer();
  return tokenizer;
}

function encodedLength(text: string): number {
  return text.length === 0 ? 0 : encoder().encode(text, 'all').length;
}

function encodedRunLength(run: string): number {
  let total = 0;
  for (let start = 0; start < run.length;) {
    let end = Math.min(start + MAX_RUN_LENGTH, run.length);
    // Never cut a surrogate pair in half.
    if (end < run.length && (run.charCodeAt(end - 1) & 0xfc00) === 0xd800) end -= 1;
    total += encodedLength(run.slice(start, end));
    start = end;
  }
  return total;
}

/** Tokens of text that is already NFKC-normalised. */
export function countNormalizedTokens(normalized: string): number {
  let total = 0;
  let last = 0;
  for (const match of normalized.matchAll(LONG_RUN)) {
    total += encodedLength(normalized.slice(last, match.index)) + encodedRunLength(match[0]);
    last = match.index + match[0].length;
  }
  return total + encodedLength(last === 0 ? normalized : normalized.slice(last));
}

/**
 * The end of the slice of `normalized` that starts at `start`: the first pre-token boundary at or
 * after `start + size`, or the end of the text. Counting slice by slice gives the whole's count.
 */
export function sliceEnd(normalized: string, start: number, size: number): number {
  if (start + size >= normalized.length) return normalized.length;
  PRE_TOKEN_BOUNDARY.lastIndex = start + size;
  for (
    let match = PRE_TOKEN_BOUNDARY.exec(normalized);
    match !== null;
    match = PRE_TOKEN_BOUNDARY.exec(normalized)
  ) {
    if (match.index >= normalized.length) break;
    // A lastIndex inside a surrogate pair can yield a match before it, even at `start`.
    if (match.index > start && !insideSpecialToken(normalized, match.index)) return match.index;
    PRE_TOKEN_BOUNDARY.lastIndex = Math.max(match.index, start + size) + 1;
  }
  return normalized.length;
}

/** Tokens in `text` by Anthropic's published Claude tokenizer, uncached. */
export function countTokensUncached(text: string): number {
  return text.length === 0 ? 0 : countNormalizedTokens(text.normalize('NFKC'));
}

const cache = new TextCountCache();

/** Tokens in `text` by Anthropic's published Claude tokenizer, memoised (LRU). */
export function countTextTokens(text: string): number {
  if (text.length === 0) return 0;
  const key = cache.key(text);
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const count = countTokensUncached(text);
  cache.set(key, count);
  return count;
}
