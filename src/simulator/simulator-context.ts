// What every route handler gets: the simulator's state and the request in hand.

import type { IncomingHttpHeaders } from 'node:http';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { WebSearchConfig } from './web-search-config.js';
import type { ModelCatalog } from './model-catalog.js';
import type { RefreshHolds } from './refresh-holds.js';
import type { ScriptQueue } from './script-queue.js';
import type { SeededRandom } from './seeded-random.js';
import type { StatsRecorder } from './sim-stats.js';
import type { ResolvedSimulatorOptions } from './simulator-options.js';
import type { TokenStore } from './token-store.js';
import type { ErrorNamespace, SimHttpError } from './upstream-errors.js';

export interface SimulatorContext {
  options: ResolvedSimulatorOptions;
  /** The simulator clock (the injected clock plus any control-route offset). */
  clock: Clock;
  logger: Logger;
  random: SeededRandom;
  tokens: TokenStore;
  models: ModelCatalog;
  scripts: ScriptQueue;
  stats: StatsRecorder;
  webSearch: WebSearchConfig;
  /** Refresh answers a test holds back (in-process only). */
  refreshHolds: RefreshHolds;
  /** Aborted on close(): ends every open stream, hanging ones included. */
  shutdown: AbortSignal;
}

/** Which upstream host a path prefix stands for (§1.2). */
export type SimHost = 'q' | 'runtime' | 'management';

export interface SimRequest {
  method: string;
  /** Path below the host prefix, e.g. `/generateAssistantResponse`. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  host: SimHost;
  body: Buffer;
  /** Larger than the simulator buffers at all. */
  bodyOverflow: boolean;
  requestId: string;
}

/** How a handler finished: the router sends `answer`, records the request, then runs `stream`. */
export interface HandlerOutcome {
  status: number;
  answer?: SimHttpError;
  /** Writes a 200 event stream; resolves when it is over. */
  stream?: () => Promise<void>;
  accountId?: string;
  rejectedBy?: string;
}

export function namespaceOf(host: SimHost): ErrorNamespace {
  return host === 'q' ? 'codewhisperer' : 'runtime';
}

export function answerWith(answer: SimHttpError, accountId?: string, rejectedBy?: string): HandlerOutcome {
  return { status: answer.status, answer, accountId, rejectedBy };
}

export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
