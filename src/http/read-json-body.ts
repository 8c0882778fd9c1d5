import type { IncomingMessage } from 'node:http';
import { InvalidRequestError, RequestTooLargeError } from '../shared/errors.js';
import { quoteInput } from '../shared/quote-input.js';

/** Reads and parses a JSON body, refusing more than `limit` bytes (413) and malformed JSON (400). */
export async function readJsonBody(request: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    request.resume();
    throw new RequestTooLargeError(`request body is ${declared} bytes; the limit is ${limit} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > limit) {
      request.resume();
      throw new RequestTooLargeError(`request body exceeds the limit of ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  if (size === 0) throw new InvalidRequestError('request body is empty; expected a JSON object');
  const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InvalidRequestError(`request body is not valid JSON: ${quoteInput((error as Error).message)}`);
  }
}
