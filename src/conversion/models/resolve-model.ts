import { describeKiroModel } from './describe-kiro-model.js';
import { matchModelMapping } from './match-model-mapping.js';
import type { ModelFamily } from './model-catalog.js';
import { parseModelName, type ParsedModelName } from './parse-model-name.js';
import { toKiroModelId } from './to-kiro-model-id.js';

export interface ResolvedModel {
  /** The name the client sent. */
  requested: string;
  kiroModelId: string;
  family: ModelFamily;
  contextWindow: number;
  /** The name ended in `-thinking`: thinking is forced on (protocol §3.10). */
  thinkingSuffix: boolean;
  /** The name ended in `[1m]`. */
  oneMillionContext: boolean;
  /** `modelMapping` chose the model: it is sent as is, never substituted. */
  mapped: boolean;
}

/**
 * Maps a client model name to a Kiro model id. `modelMapping` (exact names and `*` wildcards, matched on the
 * name as sent and then without its `-thinking`/`[1m]` suffixes) wins over the built-in rules.
 * Returns undefined for a non-Claude name that is not mapped; the caller answers not_found_error.
 */
export function resolveModel(name: string, modelMapping: Record<string, string>): ResolvedModel | undefined {
  const parsed = parseModelName(name);
  const mapped = mappedTarget(name, parsed, modelMapping);
  const kiroModelId = mapped !== undefined ? builtInKiroModelId(mapped) : builtInKiroModelIdOf(parsed);
  if (kiroModelId === undefined) return undefined;
  const { family, contextWindow } = describeKiroModel(kiroModelId);
  return {
    requested: name,
    kiroModelId,
    family,
    contextWindow,
    thinkingSuffix: parsed.thinkingSuffix,
    oneMillionContext: parsed.oneMillionContext,
    mapped: mapped !== undefined,
  };
}

function mappedTarget(name: string, parsed: ParsedModelName, modelMapping: Record<string, string>) {
  const exact = matchModelMapping(name, modelMapping)?.trim();
  if (exact) return exact;
  const withoutSuffixes = name
    .trim()
    .replace(/\[1m\]/gi, '')
    .replace(/-thinking$/i, '');
  if (parsed.thinkingSuffix || parsed.oneMillionContext) {
    return matchModelMapping(withoutSuffixes, modelMapping)?.trim() || undefined;
  }
  return undefined;
}

/** A mapping target that is itself an Anthropic-style name is normalised; anything else is sent verbatim. */
function builtInKiroModelId(target: string): string {
  return builtInKiroModelIdOf(parseModelName(target)) ?? target;
}

function builtInKiroModelIdOf(parsed: ParsedModelName): string | undefined {
  if (parsed.auto) return 'auto';
  return parsed.claude === undefined ? undefined : toKiroModelId(parsed.claude);
}
