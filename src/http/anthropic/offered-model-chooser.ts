import { resolveModel } from '../../conversion/models/resolve-model.js';
import type { ResolvedModel } from '../../conversion/models/resolve-model.js';
import { resolveOfferedModel } from '../../conversion/models/resolve-offered-model.js';
import type { GatewayServices } from './gateway-services.js';

/**
 * How each account serves `model` (README "Models"): undefined with `modelFallback: "off"`, when the
 * resolved model is sent to every account as is.
 */
export function offeredModelChooser(
  services: GatewayServices,
  model: ResolvedModel,
): ((offered: readonly string[] | undefined) => string | undefined) | undefined {
  const config = services.config();
  if (config.modelFallback === 'off') return undefined;
  const defaultModel = config.defaultModel;
  const options = {
    defaultKiroModelId:
      defaultModel === undefined ? undefined : resolveModel(defaultModel, config.modelMapping)?.kiroModelId,
  };
  return (offered) => resolveOfferedModel(model, offered, options)?.kiroModelId;
}
