import type { ModelCatalogEntry } from '../../conversion/models/model-catalog.js';
import { listModels } from '../../conversion/models/model-catalog.js';
import { resolveModel } from '../../conversion/models/resolve-model.js';
import type { GatewayServices } from '../../gateway/gateway-services.js';
import { NotFoundError } from '../../shared/errors.js';
import { requireApiKey } from '../api-key-auth.js';
import { sendJson } from '../anthropic-error-body.js';
import type { RouteHandler } from '../router.js';
import { quoteInput } from '../../shared/quote-input.js';

function toAnthropicModel(model: Pick<ModelCatalogEntry, 'id' | 'displayName' | 'createdAt'>) {
  return { type: 'model', id: model.id, display_name: model.displayName, created_at: model.createdAt };
}

/** GET /v1/models, in Anthropic's list format (`data`, `has_more`, `first_id`, `last_id`). */
export function listModelsHandler(services: GatewayServices): RouteHandler {
  return (context) => {
    requireApiKey(context.request.headers, services.config().apiKey ?? '');
    const data = listModels().map(toAnthropicModel);
    sendJson(context.response, 200, {
      data,
      has_more: false,
      first_id: data[0]?.id ?? null,
      last_id: data.at(-1)?.id ?? null,
    });
    return Promise.resolve();
  };
}

/** GET /v1/models/{id}: any name kirogate can route, not only the listed ones. */
export function getModelHandler(services: GatewayServices): RouteHandler {
  return (context) => {
    const config = services.config();
    requireApiKey(context.request.headers, config.apiKey ?? '');
    const id = context.params.id ?? '';
    const listed = listModels().find((model) => model.id === id);
    if (listed) {
      sendJson(context.response, 200, toAnthropicModel(listed));
      return Promise.resolve();
    }
    const resolved = resolveModel(id, config.modelMapping);
    if (!resolved) throw new NotFoundError(`model: ${quoteInput(id)}`);
    const sameKiroModel = listModels().find((model) => model.kiroModelId === resolved.kiroModelId);
    sendJson(context.response, 200, {
      type: 'model',
      id,
      display_name: sameKiroModel?.displayName ?? id,
      created_at: sameKiroModel?.createdAt ?? '2025-01-01T00:00:00Z',
    });
    return Promise.resolve();
  };
}
