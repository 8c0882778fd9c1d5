import type { ServerResponse } from 'node:http';
import type { AnthropicErrorType } from '../shared/errors.js';
import { ApiError, isGatewayError } from '../shared/errors.js';

export interface AnthropicErrorBody {
  type: 'error';
  error: { type: AnthropicErrorType; message: string };
  request_id?: string;
}

/** The one place Anthropic error bodies are made. Unknown errors become a generic 500: no stacks, no internals. */
export function toAnthropicError(error: unknown): {
  status: number;
  body: AnthropicErrorBody;
  retryAfter?: number;
} {
  const gatewayError = isGatewayError(error) ? error : new ApiError('internal error in kirogate', 500);
  return {
    status: gatewayError.status,
    body: { type: 'error', error: { type: gatewayError.type, message: gatewayError.message } },
    ...(gatewayError.retryAfterSeconds === undefined ? {} : { retryAfter: gatewayError.retryAfterSeconds }),
  };
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

export function sendAnthropicError(response: ServerResponse, error: unknown, requestId?: string): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const { status, body, retryAfter } = toAnthropicError(error);
  if (requestId) body.request_id = requestId;
  sendJson(response, status, body, {
    ...(retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) }),
    ...(requestId ? { 'request-id': requestId } : {}),
  });
}
