import type { Clock } from '../shared/clock.js';
import { systemClock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { createSilentLogger } from '../shared/logger.js';
import { DEFAULT_HIDDEN_PROMPT_TOKENS } from './context-usage.js';
import type { WebSearchConfig } from './web-search-config.js';
import type { SimModelSpec } from './model-catalog.js';
import { DEFAULT_SIM_MODELS } from './model-catalog.js';
import type { AddAccountOptions } from './sim-account.js';
import type { SplitMode } from './script-types.js';
import type { MeteringFunction } from './usage-limits.js';
import { meterCredits } from './usage-limits.js';

export interface SimulatorOptions {
  /** Default 0 (any free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  clock?: Clock;
  logger?: Logger;
  /** Seeds every random choice (tokens, ids, random splits); default 1. */
  seed?: number;
  /** The served models; default §3.12 plus opus-4.7/4.8, sonnet-5, opus-5. */
  models?: SimModelSpec[];
  /** Accounts created at start. */
  accounts?: AddAccountOptions[];
  /** Chat bodies above this get 400 Improperly formed (§3.9: 629 504 OK, 629 760 not). */
  maxBodyBytes?: number;
  /** Hidden Kiro system-prompt tokens added to every request's input; default 2000. */
  hiddenPromptTokens?: number;
  /** contextUsagePercentage counts output tokens too; default true (§4.8). */
  contextUsageIncludesOutput?: boolean;
  /** Tool inputs longer than this are cut mid-JSON with no stop event; default 9216. */
  toolInputLimitBytes?: number;
  /** Pause between events of every stream; default 0. */
  chunkDelayMs?: number;
  /** Default split of every stream; default 'none'. */
  split?: SplitMode;
  /** Default replies think when the prompt has `<thinking_mode>` (auto), always, or never. */
  thinking?: 'auto' | 'always' | 'never';
  /** Default 64. */
  toolNameLimit?: number;
  /** Default 10 240. */
  toolDescriptionLimit?: number;
  /** Status for over-long descriptions: 500 like the live upstream (default) or 400. */
  toolDescriptionStatus?: 400 | 500;
  /** Credits per request; default `meterCredits`. */
  metering?: MeteringFunction;
  /** API keys must come with `tokentype: API_KEY`; default true. */
  requireApiKeyTokenType?: boolean;
  /** A profileArn that is not the account's gets 403; default true. */
  enforceProfileArnMatch?: boolean;
  /** IdC accounts with a profile must send it to getUsageLimits/ListAvailableModels (403 otherwise); default true. */
  requireProfileArnForIdcManagement?: boolean;
  /** How many requests `stats.requests` keeps; default 50. */
  recordLimit?: number;
  webSearch?: WebSearchConfig;
  /** Serve /__sim/ control routes; default true. */
  controlRoutes?: boolean;
  /** How long an idle keep-alive connection stays open; default 5000 (Node's). */
  keepAliveTimeoutMs?: number;
}

export type ResolvedSimulatorOptions = Required<
  Omit<SimulatorOptions, 'accounts' | 'webSearch' | 'port' | 'host'>
> & {
  port: number;
  host: string;
};

export function resolveSimulatorOptions(options: SimulatorOptions): ResolvedSimulatorOptions {
  return {
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    clock: options.clock ?? systemClock,
    logger: options.logger ?? createSilentLogger(),
    seed: options.seed ?? 1,
    models: options.models ?? [...DEFAULT_SIM_MODELS],
    maxBodyBytes: options.maxBodyBytes ?? 629_600,
    hiddenPromptTokens: options.hiddenPromptTokens ?? DEFAULT_HIDDEN_PROMPT_TOKENS,
    contextUsageIncludesOutput: options.contextUsageIncludesOutput ?? true,
    toolInputLimitBytes: options.toolInputLimitBytes ?? 9216,
    chunkDelayMs: options.chunkDelayMs ?? 0,
    split: options.split ?? 'none',
    thinking: options.thinking ?? 'auto',
    toolNameLimit: options.toolNameLimit ?? 64,
    toolDescriptionLimit: options.toolDescriptionLimit ?? 10_240,
    toolDescriptionStatus: options.toolDescriptionStatus ?? 500,
    metering: options.metering ?? meterCredits,
    requireApiKeyTokenType: options.requireApiKeyTokenType ?? true,
    enforceProfileArnMatch: options.enforceProfileArnMatch ?? true,
    requireProfileArnForIdcManagement: options.requireProfileArnForIdcManagement ?? true,
    recordLimit: options.recordLimit ?? 50,
    controlRoutes: options.controlRoutes ?? true,
    keepAliveTimeoutMs: options.keepAliveTimeoutMs ?? 5000,
  };
}
