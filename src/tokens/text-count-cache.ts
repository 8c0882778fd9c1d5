import { hash } from 'node:crypto';

/**
 * Texts shorter than this are their own cache key; longer ones are keyed by length + SHA-1, so the
 * cache never pins large strings. Claude Code resends the whole history every turn, so every turn
 * after the first is mostly hits (hashing costs ~2 ms per MB; encoding costs ~300 ms per MB).
 */
const DIGEST_MIN_LENGTH = 1024;
const CACHE_MAX_ENTRIES = 50_000;
/** Total characters of cache keys: raw keys are < 1 KiB, digest keys ~40 characters. */
const CACHE_MAX_KEY_CHARS = 8 * 1024 * 1024;

/** Token counts per text, least recently used first out. */
export class TextCountCache {
  private readonly counts = new Map<string, number>();
  private keyChars = 0;

  key(text: string): string {
    if (text.length < DIGEST_MIN_LENGTH) return text;
    return `\u0000${text.length}:${hash('sha1', text, 'base64')}`;
  }

  get(key: string): number | undefined {
    const hit = this.counts.get(key);
    if (hit !== undefined) {
      this.counts.delete(key);
      this.counts.set(key, hit);
    }
    return hit;
  }

  set(key: string, count: number): void {
    if (this.counts.has(key)) return;
    this.counts.set(key, count);
    this.keyChars += key.length;
    for (const [oldest] of this.counts) {
      if (this.counts.size <= CACHE_MAX_ENTRIES && this.keyChars <= CACHE_MAX_KEY_CHARS) break;
      this.counts.delete(oldest);
      this.keyChars -= oldest.length;
    }
  }
}
