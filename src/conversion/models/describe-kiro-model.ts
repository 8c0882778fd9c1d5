import { DEFAULT_CONTEXT_WINDOW, LARGE_CONTEXT_WINDOW, type ModelFamily } from './model-catalog.js';
import { parseModelName } from './parse-model-name.js';

export interface KiroModelDescription {
  family: ModelFamily;
  major?: number;
  minor?: number;
  contextWindow: number;
}

/**
 * Family, version and context window of a Kiro model id. Sonnet/Opus 4.6 and newer and `auto` have
 * 1 000 000 tokens, everything else 200 000 (protocol §3.12, gotcha 20).
 */
export function describeKiroModel(kiroModelId: string): KiroModelDescription {
  const parsed = parseModelName(kiroModelId);
  if (parsed.auto) return { family: 'auto', contextWindow: LARGE_CONTEXT_WINDOW };
  const claude = parsed.claude;
  if (claude === undefined) return { family: 'other', contextWindow: DEFAULT_CONTEXT_WINDOW };
  const { family, major, minor = 0 } = claude;
  const large = family !== 'haiku' && major !== undefined && (major > 4 || (major === 4 && minor >= 6));
  const description: KiroModelDescription = {
    family,
    contextWindow: large ? LARGE_CONTEXT_WINDOW : DEFAULT_CONTEXT_WINDOW,
  };
  if (major !== undefined) {
    description.major = major;
    description.minor = minor;
  }
  return description;
}
