/** URL-safe base64 alphabet: what Kiro tokens and `tooluse_` ids are made of. */
export const URL_SAFE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const ALPHANUMERIC = URL_SAFE_ALPHABET.slice(0, 62);
const HEX = '0123456789abcdef';

/**
 * A small deterministic PRNG (mulberry32). Everything random in the simulator (tokens, ids,
 * random split points) comes from one of these, so a given seed replays the same run.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  string(length: number, alphabet: string = URL_SAFE_ALPHABET): string {
    let out = '';
    for (let index = 0; index < length; index++) out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }

  alphanumeric(length: number): string {
    return this.string(length, ALPHANUMERIC);
  }

  /** A UUID v4-shaped string. */
  uuid(): string {
    const hex = this.string(32, HEX);
    const variant = HEX[8 + this.int(0, 3)]!;
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }

  /** Upstream tool-use id: `tooluse_` + 22 URL-safe characters (§3.8). */
  toolUseId(): string {
    return `tooluse_${this.string(22)}`;
  }
}
