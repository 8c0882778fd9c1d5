import { hash } from 'node:crypto';
import { getTokenizer } from '@anthropic-ai/tokenizer';

type Tokenizer = ReturnType<typeof getTokenizer>;

let tokenizer: Tokenizer | undefined;

/**
 * Texts shorter than this are their own cache key; longer ones are keyed by length + SHA-1, so the
 * cache never pins large strings. Claude Code resends the whole history every turn, so every turn
 * after the first is mostly hits (hashing costs ~2 ms per MB; encoding costs ~300 ms per MB).
 */
const DIGEST_MIN_LENGTH = 1024;
const CACHE_MAX_ENTRIES = 50_000;
/** Total characters of cache keys: raw keys are < 1 KiB, digest keys ~40 characters. */
const CACHE_MAX_KEY_CHARS = 8 * 1024 * 1024;

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

const cache = new Map<string, number>();
let cachedKeyChars = 0;

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

function countUncached(text: string): number {
  const normalized = text.normalize('NFKC');
  let total = 0;
  let last = 0;
  for (const match of normalized.matchAll(LONG_RUN)) {
    total += encodedLength(normalized.slice(last, match.index)) + encodedRunLength(match[0]);
    last = match.index + match[0].length;
  }
  return total + encodedLength(last === 0 ? normalized : normalized.slice(last));
}

function cacheKey(text: string): string {
  if (text.length < DIGEST_MIN_LENGTH) return text;
  return `\u0000${text.length}:${hash('sha1', text, 'base64')}`;
}

function remember(key: string, count: number): void {
  cache.set(key, count);
  cachedKeyChars += key.length;
  for (const [oldest] of cache) {
    if (cache.size <= CACHE_MAX_ENTRIES && cachedKeyChars <= CACHE_MAX_KEY_CHARS) break;
    cache.delete(oldest);
    cachedKeyChars -= oldest.length;
  }
}

/** Tokens in `text` by Anthropic's published Claude tokenizer, memoised (LRU). */
export function countTextTokens(text: string): number {
  if (text.length === 0) return 0;
  const key = cacheKey(text);
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const count = countUncached(text);
  remember(key, count);
  return count;
}

/** Loads the tokenizer ahead of the first request, so no request pays for it. */
export function warmTokenizer(): void {
  encodedLength('warm');
}
