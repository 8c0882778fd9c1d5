import { getTokenizer } from '@anthropic-ai/tokenizer';

type Tokenizer = ReturnType<typeof getTokenizer>;

let tokenizer: Tokenizer | undefined;

/** Texts below this length are counted directly; caching them costs more than it saves. */
const CACHE_MIN_LENGTH = 256;
/** Total characters of cached keys; Claude Code resends the same history every turn. */
const CACHE_MAX_CHARS = 32 * 1024 * 1024;

const cache = new Map<string, number>();
let cachedChars = 0;

function encoder(): Tokenizer {
  // Loading the BPE ranks takes ~170 ms and ~50 MB, so it happens once, on first use.
  tokenizer ??= getTokenizer();
  return tokenizer;
}

function countUncached(text: string): number {
  return encoder().encode(text.normalize('NFKC'), 'all').length;
}

/** Tokens in `text` by Anthropic's published Claude tokenizer, memoised for long texts (LRU). */
export function countTextTokens(text: string): number {
  if (text.length === 0) return 0;
  if (text.length < CACHE_MIN_LENGTH) return countUncached(text);
  const hit = cache.get(text);
  if (hit !== undefined) {
    cache.delete(text);
    cache.set(text, hit);
    return hit;
  }
  const count = countUncached(text);
  cache.set(text, count);
  cachedChars += text.length;
  for (const [key] of cache) {
    if (cachedChars <= CACHE_MAX_CHARS) break;
    cache.delete(key);
    cachedChars -= key.length;
  }
  return count;
}

/** Loads the tokenizer ahead of the first request, so no request pays for it. */
export function warmTokenizer(): void {
  countUncached('warm');
}
