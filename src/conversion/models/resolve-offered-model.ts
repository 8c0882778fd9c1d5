import { parseModelName } from './parse-model-name.js';
import type { ResolvedModel } from './resolve-model.js';

export interface OfferedModelOptions {
  /** The Kiro id of the configured `defaultModel`, if any: the last resort of the fallback. */
  defaultKiroModelId: string | undefined;
}

/** What one account serves a request with; `substituted` when that is not the model asked for. */
export interface OfferedModelChoice {
  kiroModelId: string;
  substituted: boolean;
}

/**
 * Which Kiro model one account serves a request with, given the models it offers (its ListAvailableModels
 * list; undefined while unknown, when the model is sent as resolved). A `modelMapping` target is sent as is.
 * A bare family name (`opus`) is the newest offered model of the family. Otherwise the model itself when
 * offered, else the newest offered model of the same family (opus → opus, sonnet → sonnet, haiku → haiku),
 * then the default model. Undefined: the account offers none of them.
 */
export function resolveOfferedModel(
  model: Pick<ResolvedModel, 'requested' | 'kiroModelId' | 'family' | 'mapped'>,
  offered: readonly string[] | undefined,
  options: OfferedModelOptions,
): OfferedModelChoice | undefined {
  const exact = { kiroModelId: model.kiroModelId, substituted: false };
  if (offered === undefined || model.mapped) return exact;
  const sameFamily = newestOfFamily(offered, model.family);
  const bareFamily = parseModelName(model.requested).claude?.major === undefined;
  if (bareFamily && sameFamily !== undefined) {
    return { kiroModelId: sameFamily, substituted: sameFamily !== model.kiroModelId };
  }
  if (offered.includes(model.kiroModelId)) return exact;
  if (sameFamily !== undefined) return { kiroModelId: sameFamily, substituted: true };
  const fallback = options.defaultKiroModelId;
  if (fallback !== undefined && offered.includes(fallback))
    return { kiroModelId: fallback, substituted: true };
  return undefined;
}

/** The offered model of a Claude family with the highest version (`claude-opus-4.7` over `claude-opus-4.6`). */
export function newestOfFamily(offered: readonly string[], family: string): string | undefined {
  let best: { id: string; major: number; minor: number } | undefined;
  for (const id of offered) {
    const claude = parseModelName(id).claude;
    if (claude?.family !== family || claude.major === undefined) continue;
    const minor = claude.minor ?? 0;
    if (
      best === undefined ||
      claude.major > best.major ||
      (claude.major === best.major && minor > best.minor)
    ) {
      best = { id, major: claude.major, minor };
    }
  }
  return best?.id;
}
