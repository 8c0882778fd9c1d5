import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimHttpError } from './upstream-errors.js';

/** Bodies beyond this are not buffered at all (the upstream limit is ~615 KB). */
export const HARD_BODY_LIMIT = 64 * 1024 * 1024;

export interface ReadBody {
  bytes: Buffer;
  /** More than HARD_BODY_LIMIT arrived; `bytes` holds only the start. */
  overflow: boolean;
}

export function readBody(request: IncomingMessage): Promise<ReadBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let overflow = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > HARD_BODY_LIMIT) overflow = true;
      else chunks.push(chunk);
    });
    request.on('end', () => resolve({ bytes: Buffer.concat(chunks), overflow }));
    request.on('error', reject);
  });
}

export type JsonParse = { ok: true; value: unknown } | { ok: false };

export function parseJson(bytes: Buffer): JsonParse {
  try {
    return { ok: true, value: JSON.parse(bytes.toString('utf8')) };
  } catch {
    return { ok: false };
  }
}

/** Sends a JSON (or, for string bodies, raw text) answer. */
export function sendAnswer(response: ServerResponse, answer: SimHttpError, requestId: string): void {
  if (response.headersSent || response.destroyed) return;
  const text =
    answer.body === undefined
      ? ''
      : typeof answer.body === 'string'
        ? answer.body
        : JSON.stringify(answer.body);
  const headers: Record<string, string> = {
    'x-amzn-RequestId': requestId,
    ...(typeof answer.body === 'string' ? {} : { 'content-type': 'application/json' }),
    ...answer.headers,
  };
  headers['content-length'] = String(Buffer.byteLength(text));
  response.writeHead(answer.status, headers);
  response.end(text);
}
