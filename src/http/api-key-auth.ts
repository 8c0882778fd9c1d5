import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { AuthenticationError } from '../shared/errors.js';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** The key a client presented: `x-api-key`, or `Authorization: Bearer …`. */
export function presentedKey(headers: IncomingHttpHeaders): string | undefined {
  const apiKey = headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey.length > 0) return apiKey.trim();
  const authorization = headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (match) return match[1]!.trim();
  }
  return undefined;
}

/** Compares in constant time (hashing first makes the lengths equal). */
export function keysMatch(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

/** Throws 401 unless the request carries the expected key. */
export function requireApiKey(headers: IncomingHttpHeaders, expected: string): void {
  const key = presentedKey(headers);
  if (key === undefined) {
    throw new AuthenticationError(
      'missing API key: send it in the x-api-key header or as Authorization: Bearer',
    );
  }
  if (!keysMatch(key, expected)) throw new AuthenticationError('invalid API key');
}
