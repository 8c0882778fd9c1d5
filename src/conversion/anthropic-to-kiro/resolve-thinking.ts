import type { AnthropicMessagesRequest } from '../../protocols/anthropic/messages-request.js';
import { describeKiroModel } from '../models/describe-kiro-model.js';
import type { ResolvedModel } from '../models/resolve-model.js';
import type { ThinkingSettings } from './conversion-context.js';
import { quoteInput } from '../../shared/quote-input.js';

export const DEFAULT_THINKING_BUDGET = 20_000;
export const MIN_THINKING_BUDGET = 1_024;
export const MAX_THINKING_BUDGET = 24_576;
export const DEFAULT_THINKING_EFFORT = 'high';
const EFFORTS = new Set(['low', 'medium', 'high', 'xhigh', 'max']);

/**
 * The thinking mode to emulate (protocol §3.10). An explicit `enabled`/`adaptive` request wins; otherwise a
 * `-thinking` model name forces thinking on: adaptive for Sonnet/Opus 4.6 and newer (they think adaptively
 * on Anthropic), enabled with the default budget for older models.
 */
export function resolveThinking(
  request: AnthropicMessagesRequest,
  model: ResolvedModel,
  warnings: string[],
): ThinkingSettings {
  const thinking = request.thinking ?? undefined;
  if (thinking?.type === 'enabled') return enabled(thinking.budget_tokens);
  if (thinking?.type === 'adaptive') return adaptive(requestedEffort(request), warnings);
  if (!model.thinkingSuffix) return { mode: 'off' };
  return prefersAdaptive(model) ? adaptive(requestedEffort(request), warnings) : enabled(undefined);
}

function enabled(budget: number | undefined): ThinkingSettings {
  const wanted = budget ?? DEFAULT_THINKING_BUDGET;
  return {
    mode: 'enabled',
    budgetTokens: Math.min(MAX_THINKING_BUDGET, Math.max(MIN_THINKING_BUDGET, Math.floor(wanted))),
  };
}

function adaptive(effort: unknown, warnings: string[]): ThinkingSettings {
  if (effort === undefined || effort === null) return { mode: 'adaptive', effort: DEFAULT_THINKING_EFFORT };
  const normalized = typeof effort === 'string' ? effort.trim().toLowerCase() : '';
  if (EFFORTS.has(normalized)) return { mode: 'adaptive', effort: normalized };
  warnings.push(
    `output_config.effort: unknown effort ${quoteInput(JSON.stringify(effort) ?? typeof effort)}, using "high"`,
  );
  return { mode: 'adaptive', effort: DEFAULT_THINKING_EFFORT };
}

/** `output_config.effort`, or `thinking.effort` as some clients send it. */
function requestedEffort(request: AnthropicMessagesRequest): unknown {
  const fromOutputConfig = request.output_config?.effort;
  if (fromOutputConfig !== undefined && fromOutputConfig !== null) return fromOutputConfig;
  return (request.thinking as { effort?: unknown } | null | undefined)?.effort;
}

function prefersAdaptive(model: ResolvedModel): boolean {
  const { family, major, minor = 0 } = describeKiroModel(model.kiroModelId);
  if (family !== 'opus' && family !== 'sonnet') return false;
  return major !== undefined && (major > 4 || (major === 4 && minor >= 6));
}
