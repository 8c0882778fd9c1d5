import { describeKiroModel } from '../../conversion/models/describe-kiro-model.js';
import { listOfferedModels } from '../../conversion/models/list-offered-models.js';
import type { ModelCatalogEntry } from '../../conversion/models/model-catalog.js';
import { listModels } from '../../conversion/models/model-catalog.js';
import { resolveModel } from '../../conversion/models/resolve-model.js';
import type { GatewayServices } from './gateway-services.js';
import { NotFoundError } from '../../shared/errors.js';
import { requireApiKey } from '../api-key-auth.js';
import { sendJson } from '../anthropic-error-body.js';
import type { RouteHandler } from '../router.js';
import { quoteInput } from '../../shared/quote-input.js';

function toAnthropicModel(model: Pick<ModelCatalogEntry, 'id' | 'displayName' | 'createdAt'>) {
  return { type: 'model', id: model.id, display_name: model.displayName, created_at: model.createdAt };
}

/**
 * The Kiro models the accounts offer (ListAvailableModels, fetched for accounts not asked yet, refreshing
 * their tokens if need be), without those no account may use (free plans and Opus).
 */
async function offeredModelIds(services: GatewayServices): Promise<Set<string>> {
  const entries = services.pool.list();
  await services.offeredModels.warm(entries, true);
  const ids = new Set<string>();
  for (const entry of entries) {
    for (const id of services.offeredModels.known(entry) ?? []) {
      if (services.pool.allowsModel(entry, { kiroModelId: id, family: describeKiroModel(id).family }))
        ids.add(id);
    }
  }
  return ids;
}

/**
 * GET /v1/models, in Anthropic's list format (`data`, `has_more`, `first_id`, `last_id`): what the accounts
 * offer, or the built-in catalog while no account's list is known.
 */
export function listModelsHandler(services: GatewayServices): RouteHandler {
  return async (context) => {
    requireApiKey(context.request.headers, services.config().apiKey ?? '');
    const offered = await offeredModelIds(services);
    const data = (offered.size > 0 ? listOfferedModels(offered) : listModels()).map(toAnthropicModel);
    sendJson(context.response, 200, {
      data,
      has_more: false,
      first_id: data[0]?.id ?? null,
      last_id: data.at(-1)?.id ?? null,
    });
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
