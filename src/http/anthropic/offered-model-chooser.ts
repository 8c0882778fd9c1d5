import { resolveModel } from '../../conversion/models/resolve-model.js';
import type { ResolvedModel } from '../../conversion/models/resolve-model.js';
import { resolveOfferedModel } from '../../conversion/models/resolve-offered-model.js';
import type { GatewayServices } from '../../gateway/gateway-services.js';
import type { Logger } from '../../shared/logger.js';

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

/** Pairs remembered at most; a client cycling through made-up names cannot grow it without bound. */
const MAX_PAIRS = 256;

/** Logs each model substitution (requested name → Kiro model used) once. */
export class ModelSubstitutions {
  private readonly seen = new Set<string>();

  constructor(private readonly logger: Logger) {}

  note(requested: string, used: string): void {
    const key = `${requested}\u0000${used}`;
    if (this.seen.has(key)) return;
    if (this.seen.size >= MAX_PAIRS) this.seen.clear();
    this.seen.add(key);
    this.logger.info({ requested, used }, 'model served by another model the account offers');
  }
}
