import { countTokensHandler } from '../http/anthropic/count-tokens-route.js';
import { messagesHandler } from '../http/anthropic/messages-route.js';
import { getModelHandler, listModelsHandler } from '../http/anthropic/models-route.js';
import { sendJson } from '../http/anthropic-error-body.js';
import { Router } from '../http/router.js';
import type { GatewayServices } from '../http/anthropic/gateway-services.js';

/** Every route the gateway serves. */
export function buildRouter(services: GatewayServices): Router {
  const router = new Router();
  for (const prefix of ['/v1', '/cc/v1']) {
    const buffered = prefix === '/cc/v1';
    router
      .post(`${prefix}/messages`, messagesHandler(services, { buffered, endpoint: `${prefix}/messages` }))
      .post(`${prefix}/messages/count_tokens`, countTokensHandler(services))
      .get(`${prefix}/models`, listModelsHandler(services))
      .get(`${prefix}/models/:id`, getModelHandler(services));
  }
  router.get('/health', (context) => {
    const { status, total, available, message, unavailable } = services.pool.availability();
    sendJson(context.response, 200, {
      status,
      accounts: { total, available },
      ...(message === undefined ? {} : { message }),
      unavailable: unavailable.map(({ freesAt, ...item }) => ({
        ...item,
        ...(freesAt === undefined ? {} : { freesAt: new Date(freesAt).toISOString() }),
      })),
    });
    return Promise.resolve();
  });
  return router;
}
