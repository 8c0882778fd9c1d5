import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { GatewayError, NotFoundError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { sendAnthropicError } from './anthropic-error-body.js';
import type { Router } from './router.js';
import { quoteInput } from '../shared/quote-input.js';

export interface RequestListenerOptions {
  router: Router;
  logger: Logger;
}

class MethodNotAllowedError extends GatewayError {
  constructor(method: string, allowed: string[]) {
    super(
      'invalid_request_error',
      405,
      `method ${quoteInput(method)} is not allowed here; use ${allowed.join(' or ')}`,
    );
  }
}

/**
 * Routes each request, gives it an id, and turns any thrown error into an Anthropic error body.
 * Unexpected errors are logged with their stack; the client only ever sees a generic message.
 */
export function createRequestListener({ router, logger }: RequestListenerOptions): RequestListener {
  return (request: IncomingMessage, response: ServerResponse) => {
    const requestId = `req_${randomUUID().replaceAll('-', '')}`;
    const started = process.hrtime.bigint();
    const url = new URL(request.url ?? '/', 'http://localhost');
    const child = logger.child({ requestId });
    response.once('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      child.debug(
        { method: request.method, path: quoteInput(url.pathname), status: response.statusCode, ms },
        'request done',
      );
    });
    const match = router.match(request.method ?? 'GET', url.pathname);
    const run = async () => {
      if (match.kind === 'not-found')
        throw new NotFoundError(
          `no route for ${quoteInput(request.method ?? '')} ${quoteInput(url.pathname)}`,
        );
      if (match.kind === 'method-not-allowed')
        throw new MethodNotAllowedError(request.method ?? '', match.allowed);
      await match.handler({ request, response, url, params: match.params, requestId, logger: child });
    };
    run().catch((error: unknown) => {
      if (!(error instanceof GatewayError)) child.error({ err: error }, 'unhandled error');
      else if (error.status >= 500)
        child.warn({ status: error.status, error: error.message }, 'request failed');
      sendAnthropicError(response, error, requestId);
    });
  };
}
