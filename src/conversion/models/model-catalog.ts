// The models kirogate advertises on GET /v1/models, and the newest Kiro model of each family
// (what the bare aliases `opus`, `sonnet` and `haiku` resolve to).

export type ModelFamily = 'opus' | 'sonnet' | 'haiku' | 'auto' | 'other';

export interface ModelCatalogEntry {
  /** The Anthropic model id clients send. */
  id: string;
  displayName: string;
  /** RFC 3339, the public release date. */
  createdAt: string;
  kiroModelId: string;
  family: ModelFamily;
  contextWindow: number;
}

export const DEFAULT_CONTEXT_WINDOW = 200_000;
export const LARGE_CONTEXT_WINDOW = 1_000_000;

/**
 * Kiro models confirmed by ListAvailableModels (protocol §3.12, May 2026), newest first.
 * `claude-opus-4.7` is listed by two peers; newer versions resolve by the general rule even when absent here.
 */
const CATALOG: readonly ModelCatalogEntry[] = [
  entry('claude-opus-4-7', 'Claude Opus 4.7', '2026-04-16', 'claude-opus-4.7', 'opus', LARGE_CONTEXT_WINDOW),
  entry(
    'claude-sonnet-4-6',
    'Claude Sonnet 4.6',
    '2026-02-17',
    'claude-sonnet-4.6',
    'sonnet',
    LARGE_CONTEXT_WINDOW,
  ),
  entry('claude-opus-4-6', 'Claude Opus 4.6', '2026-02-05', 'claude-opus-4.6', 'opus', LARGE_CONTEXT_WINDOW),
  entry('claude-opus-4-5-20251101', 'Claude Opus 4.5', '2025-11-24', 'claude-opus-4.5', 'opus'),
  entry('claude-haiku-4-5-20251001', 'Claude Haiku 4.5', '2025-10-15', 'claude-haiku-4.5', 'haiku'),
  entry('claude-sonnet-4-5-20250929', 'Claude Sonnet 4.5', '2025-09-29', 'claude-sonnet-4.5', 'sonnet'),
  entry('claude-sonnet-4-20250514', 'Claude Sonnet 4', '2025-05-22', 'claude-sonnet-4', 'sonnet'),
  entry('auto', 'Kiro Auto', '2025-07-14', 'auto', 'auto', LARGE_CONTEXT_WINDOW),
];

function entry(
  id: string,
  displayName: string,
  date: string,
  kiroModelId: string,
  family: ModelFamily,
  contextWindow = DEFAULT_CONTEXT_WINDOW,
): ModelCatalogEntry {
  return { id, displayName, createdAt: `${date}T00:00:00Z`, kiroModelId, family, contextWindow };
}

/** The catalog for GET /v1/models, newest first. */
export function listModels(): ModelCatalogEntry[] {
  return CATALOG.map((model) => ({ ...model }));
}

/** The Kiro id of the newest catalog model of a Claude family. */
export function newestKiroModelId(family: 'opus' | 'sonnet' | 'haiku'): string {
  const model = CATALOG.find((candidate) => candidate.family === family);
  if (model === undefined) throw new Error(`no catalog model for family ${family}`);
  return model.kiroModelId;
}
