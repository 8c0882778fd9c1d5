import { describeKiroModel } from './describe-kiro-model.js';
import type { ModelCatalogEntry } from './model-catalog.js';
import { listModels } from './model-catalog.js';
import type { ClaudeFamily } from './parse-model-name.js';
import { parseModelName } from './parse-model-name.js';
import { newestOfFamily } from './resolve-offered-model.js';

/** Release dates are not in ListAvailableModels; a model missing from the built-in catalog gets this one. */
const UNKNOWN_CREATED_AT = '2025-01-01T00:00:00Z';
const FAMILIES: readonly ClaudeFamily[] = ['opus', 'sonnet', 'haiku'];

const title = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

/** The Anthropic-style entry of an offered Kiro id; undefined for a model kirogate cannot route by name. */
function entryOf(kiroModelId: string, catalog: readonly ModelCatalogEntry[]): ModelCatalogEntry | undefined {
  const known = catalog.find((model) => model.kiroModelId === kiroModelId);
  if (known) return known;
  const claude = parseModelName(kiroModelId).claude;
  if (claude?.major === undefined) return undefined;
  const version = claude.minor ? `${claude.major}.${claude.minor}` : `${claude.major}`;
  const { family, contextWindow } = describeKiroModel(kiroModelId);
  return {
    id: `claude-${claude.family}-${version.replace('.', '-')}`,
    displayName: `Claude ${title(claude.family)} ${version}`,
    createdAt: UNKNOWN_CREATED_AT,
    kiroModelId,
    family,
    contextWindow,
  };
}

function versionOf(entry: ModelCatalogEntry): number {
  const { major = 0, minor = 0 } = describeKiroModel(entry.kiroModelId);
  return major * 1000 + minor;
}

/**
 * GET /v1/models from what the accounts offer: one entry per offered Claude model (and `auto`), newest
 * first, then the bare family aliases (`opus`, `sonnet`, `haiku`) for the families offered.
 */
export function listOfferedModels(offered: Iterable<string>): ModelCatalogEntry[] {
  const catalog = listModels();
  const ids = [...new Set(offered)];
  const models = ids
    .map((id) => entryOf(id, catalog))
    .filter((entry): entry is ModelCatalogEntry => entry !== undefined)
    .sort((a, b) => versionOf(b) - versionOf(a) || a.id.localeCompare(b.id));
  const aliases = FAMILIES.flatMap((family) => {
    const newest = newestOfFamily(ids, family);
    const target = newest === undefined ? undefined : models.find((model) => model.kiroModelId === newest);
    if (target === undefined) return [];
    return [{ ...target, id: family, displayName: `${target.displayName} (alias: newest ${family})` }];
  });
  return [...models, ...aliases];
}
