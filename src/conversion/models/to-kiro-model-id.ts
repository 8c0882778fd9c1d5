import { newestKiroModelId } from './model-catalog.js';
import type { ClaudeFamily, ClaudeVersion } from './parse-model-name.js';

/**
 * The oldest Kiro model of each family. Older client versions (Claude 3.x, Opus 4/4.1, …) are served by it:
 * it is the closest model Kiro still offers, with the same 200 000-token window they had.
 */
const OLDEST_KIRO_VERSION: Record<ClaudeFamily, readonly [number, number]> = {
  haiku: [4, 5],
  sonnet: [4, 0],
  opus: [4, 5],
};

/**
 * General rule: `claude-{family}-{major}.{minor}` (dashes between version digits become dots, `.0` dropped),
 * so new versions work without a release; a bare family name is the newest catalog model.
 */
export function toKiroModelId(version: ClaudeVersion): string {
  const { family, major, minor = 0 } = version;
  if (major === undefined) return newestKiroModelId(family);
  const [oldestMajor, oldestMinor] = OLDEST_KIRO_VERSION[family];
  if (major < oldestMajor || (major === oldestMajor && minor < oldestMinor)) {
    return formatKiroModelId(family, oldestMajor, oldestMinor);
  }
  return formatKiroModelId(family, major, minor);
}

function formatKiroModelId(family: ClaudeFamily, major: number, minor: number): string {
  return minor === 0 ? `claude-${family}-${major}` : `claude-${family}-${major}.${minor}`;
}
