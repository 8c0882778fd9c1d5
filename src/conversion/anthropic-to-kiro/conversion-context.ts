import type { IdGenerator } from '../../shared/clock.js';
import type { KiroGenerateRequest } from '../../upstream/kiro-request.js';
import type { ResolvedModel } from '../models/resolve-model.js';

export type PayloadGuardMode = 'trim' | 'reject';

/** Everything the converter needs besides the request; it reads nothing else (no I/O, clock or randomness). */
export interface ConversionContext {
  newId: IdGenerator;
  /** Config overrides: exact names and `*` wildcards, winning over the built-in rules. */
  modelMapping: Record<string, string>;
  /** The largest upstream body to send (default 600 000). */
  maxUpstreamBodyBytes: number;
  payloadGuard: PayloadGuardMode;
}

export interface ThinkingSettings {
  mode: 'off' | 'enabled' | 'adaptive';
  budgetTokens?: number;
  effort?: string;
}

export interface ConversionResult {
  /** Without profileArn: that is injected per chosen credential. */
  request: KiroGenerateRequest;
  /** `request` serialised, as measured by the payload guard. */
  body: string;
  model: ResolvedModel;
  /** Shortened tool name → the client's original name. */
  toolNameMap: ReadonlyMap<string, string>;
  thinking: ThinkingSettings;
  warnings: string[];
  /** History turns dropped by the payload guard. */
  trimmedMessages: number;
}
