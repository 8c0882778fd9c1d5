// Reads a client model name in any of the spellings seen in the wild:
// claude-sonnet-4-5-20250929, claude-sonnet-4.5, claude-3-5-sonnet-latest, claude-opus-4-6[1m],
// claude-opus-4-6-thinking, sonnet, us.anthropic.claude-sonnet-4-5-20250929-v1:0,
// anthropic/claude-sonnet-4.5, kiro-claude-sonnet-4.5, claude-sonnet-4-5@20250929, CLAUDE_SONNET_4_5_20250929_V1_0.

export type ClaudeFamily = 'opus' | 'sonnet' | 'haiku';

export interface ClaudeVersion {
  family: ClaudeFamily;
  /** Absent for a bare family name (`sonnet`, `claude-opus`). */
  major?: number;
  minor?: number;
}

export interface ParsedModelName {
  /** Lower-cased, with decorations (suffixes, dates, provider prefixes) removed. */
  base: string;
  thinkingSuffix: boolean;
  oneMillionContext: boolean;
  /** Set when `base` names a Claude family. */
  claude?: ClaudeVersion;
  auto: boolean;
}

const PROVIDER_PREFIX = /^(?:(?:[a-z]{2,4}\.)?anthropic[./]|kiro[-/])/;
const DECORATION_SUFFIXES: readonly RegExp[] = [
  /-v\d+(?::\d+|-\d+)?$/, // Bedrock -v1:0 (or -v1-0 after underscores became dashes)
  /[-@]\d{8}$/, // date: -20250929 or Vertex @20250929
  /-latest$/,
];
const NEW_STYLE = /^claude-(opus|sonnet|haiku)(?:-(\d+)(?:[-.](\d+))?)?$/;
const LEGACY_STYLE = /^claude-(\d+)(?:[-.](\d+))?-(opus|sonnet|haiku)$/;
const BARE_FAMILY = /^(opus|sonnet|haiku)$/;
const AUTO_NAMES = new Set(['auto', 'auto-kiro', 'kiro-auto']);

export function parseModelName(name: string): ParsedModelName {
  let base = name.trim().toLowerCase().replace(/_/g, '-');
  let thinkingSuffix = false;
  let oneMillionContext = false;
  for (let changed = true; changed;) {
    const before = base;
    if (base.endsWith('[1m]')) {
      base = base.slice(0, -4);
      oneMillionContext = true;
    }
    if (base.endsWith('-thinking')) {
      base = base.slice(0, -'-thinking'.length);
      thinkingSuffix = true;
    }
    base = base.replace(PROVIDER_PREFIX, '');
    for (const suffix of DECORATION_SUFFIXES) base = base.replace(suffix, '');
    changed = base !== before;
  }
  return {
    base,
    thinkingSuffix,
    oneMillionContext,
    claude: parseClaudeVersion(base),
    auto: AUTO_NAMES.has(base),
  };
}

function parseClaudeVersion(base: string): ClaudeVersion | undefined {
  const bare = BARE_FAMILY.exec(base);
  if (bare) return { family: bare[1] as ClaudeFamily };
  const modern = NEW_STYLE.exec(base);
  if (modern) return version(modern[1], modern[2], modern[3]);
  const legacy = LEGACY_STYLE.exec(base);
  if (legacy) return version(legacy[3], legacy[1], legacy[2]);
  return undefined;
}

function version(family: string | undefined, major: string | undefined, minor: string | undefined) {
  const result: ClaudeVersion = { family: family as ClaudeFamily };
  if (major !== undefined) result.major = Number(major);
  if (minor !== undefined) result.minor = Number(minor);
  return result;
}
