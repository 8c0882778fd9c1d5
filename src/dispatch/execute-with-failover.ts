import type { AccessTokenProvider } from '../credentials/access-token-provider.js';
import { describeCredential } from '../upstream/credential.js';
import type { CredentialEntry } from '../credentials/credential-entry.js';
import type { HealthSettings } from '../credentials/credential-health.js';
import { applyFailure } from '../credentials/credential-health.js';
import type { CredentialPool, ModelRequirement } from '../credentials/credential-pool.js';
import type { Clock } from '../shared/clock.js';
import {
  ApiError,
  NotFoundError,
  OverloadedError,
  PermissionError,
  RateLimitError,
} from '../shared/errors.js';
import type { GatewayError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { KiroCallContext } from '../upstream/kiro-client.js';
import { classifyFailure } from './classify-failure.js';
import type { FailureAction } from '../credentials/failure-action.js';
import { backoffDelay, sleep } from './backoff.js';

export interface DispatchDependencies {
  pool: CredentialPool;
  tokens: AccessTokenProvider;
  clock: Clock;
  logger: Logger;
  health: HealthSettings;
  maxAttemptsPerAccount: number;
  maxAttemptsPerRequest: number;
  random?: () => number;
  /** Waits between transient retries; injectable for tests. */
  wait?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Makes sure a credential that needs a profileArn has one (runtime endpoint, §1.2). */
  ensureProfileArn?: (entry: CredentialEntry, context: KiroCallContext) => Promise<void>;
  /** Called when an account ran out of monthly quota (to learn its reset time). */
  onQuotaExhausted?: (entry: CredentialEntry) => void;
  /** The models each account offers (ListAvailableModels); see DispatchRequest.chooseModel. */
  offeredModels?: OfferedModelLists;
}

/** Per-account lists of offered Kiro model ids; undefined while unknown. */
export interface OfferedModelLists {
  get(
    entry: CredentialEntry,
    context: KiroCallContext,
  ): readonly string[] | undefined | Promise<readonly string[] | undefined>;
  /** Fetches the list again now (Kiro refused a model from it). */
  refresh(entry: CredentialEntry, context: KiroCallContext): Promise<readonly string[] | undefined>;
}

export interface DispatchRequest {
  model: ModelRequirement;
  sessionId?: string | undefined;
  signal: AbortSignal;
  /**
   * The Kiro model an account serves this request with, given the models it offers (undefined while
   * unknown); undefined when it offers none that fits. Without it (modelFallback off) `model` is sent to
   * every account and INVALID_MODEL_ID answers the client at once.
   */
  chooseModel?: (offered: readonly string[] | undefined) => string | undefined;
}

export interface Dispatched<T> {
  entry: CredentialEntry;
  result: T;
  attempts: number;
  /** The Kiro model the accepted attempt used. */
  kiroModelId: string;
}

/**
 * One upstream call on a chosen account with the model chosen for it; resolves once the upstream
 * accepted (HTTP 2xx) and, for chat, its first content arrived: an empty answer throws and is retried like a 5xx.
 */
export type UpstreamCall<T> = (context: KiroCallContext, kiroModelId: string) => Promise<T>;

function finalError(last: FailureAction | undefined, fallback: GatewayError, attempts: number): GatewayError {
  if (last?.kind === 'transient') {
    if (last.emptyAnswer) {
      return new ApiError(
        `Kiro returned an empty answer (no text, tool call or thinking); ${attempts} attempt(s) made. ` +
          'Retry the request; if it keeps happening, start a new conversation.',
      );
    }
    return last.overloaded
      ? new OverloadedError(`Kiro is overloaded; retries exhausted (${last.detail})`)
      : new ApiError(`Kiro is not responding; retries exhausted (${last.detail})`);
  }
  if (last?.kind === 'cool-down') return new RateLimitError(`Kiro throttled every attempt (${last.detail})`);
  if (last?.kind === 'model-not-offered') return last.error;
  // Kiro refused the account itself (e.g. a profile it may not use): retrying will not help.
  if (last?.kind === 'account-failure' || last?.kind === 'model-not-allowed') {
    return new PermissionError(`Kiro refused the request for every account tried: ${last.detail}`);
  }
  return fallback;
}

/**
 * Runs `call` on accounts from the pool until one accepts (README "Failure policy"): client
 * errors fail at once; an invalid bearer forces one refresh on the same account; suspension and
 * quota disable; 429 cools down; transient failures back off and fail over. At most
 * `maxAttemptsPerAccount` per account and `maxAttemptsPerRequest` in all. Nothing here runs after
 * the first content reaches the client: the caller owns the stream from then on.
 */
export async function executeWithFailover<T>(
  deps: DispatchDependencies,
  request: DispatchRequest,
  call: UpstreamCall<T>,
): Promise<Dispatched<T>> {
  const { pool, clock, logger } = deps;
  const wait = deps.wait ?? sleep;
  const attemptsByAccount = new Map<number, number>();
  const exhausted = new Set<number>();
  const refreshed = new Set<number>();
  let pinned: CredentialEntry | undefined;
  let lastAction: FailureAction | undefined;
  let transientRetries = 0;
  let attempts = 0;
  /** `${account} ${model}` pairs Kiro answered INVALID_MODEL_ID for. */
  const refusedModels = new Set<string>();
  let notOffered = false;

  for (let attempt = 1; attempt <= deps.maxAttemptsPerRequest; attempt++) {
    request.signal.throwIfAborted();
    const tried = new Set(attemptsByAccount.keys());
    const entry =
      pinned ??
      pool.select({ ...request, exclude: new Set([...exhausted, ...tried]) }) ??
      pool.select({ ...request, exclude: exhausted });
    pinned = undefined;
    if (!entry) break;
    attempts = attempt;
    const count = (attemptsByAccount.get(entry.id) ?? 0) + 1;
    attemptsByAccount.set(entry.id, count);
    if (count >= deps.maxAttemptsPerAccount) exhausted.add(entry.id);
    entry.counters.requests += 1;
    entry.counters.lastUsedAt = clock.now();

    let accessToken: string | undefined;
    let context: KiroCallContext | undefined;
    let kiroModelId = request.model.kiroModelId;
    try {
      accessToken = await deps.tokens.getAccessToken(entry);
      context = {
        spec: entry.spec,
        accessToken,
        profileArn: entry.tokens.profileArn,
        signal: request.signal,
      };
      if (deps.ensureProfileArn) {
        await deps.ensureProfileArn(entry, context);
        context.profileArn = entry.tokens.profileArn;
      }
      const chosen = await modelForAccount(deps, request, entry, context, refusedModels);
      if (chosen === undefined) {
        // Not an attempt: the account offers nothing that fits this request.
        entry.counters.requests -= 1;
        notOffered = true;
        exhausted.add(entry.id);
        continue;
      }
      kiroModelId = chosen;
      const result = await call(context, kiroModelId);
      return { entry, result, attempts: attempt, kiroModelId };
    } catch (error) {
      if (request.signal.aborted) throw error;
      const action = classifyFailure(error);
      lastAction = action;
      const credential = describeCredential(entry.spec);
      logger.warn(
        { credential, attempt, action: action.kind, error: (error as Error).message },
        'upstream attempt failed',
      );
      if (action.kind === 'client-error') throw action.error;
      if (action.kind === 'model-not-offered') {
        if (!request.chooseModel || !context) throw action.error;
        // The account's list changed since it was cached: learn it again and choose anew on this account.
        refusedModels.add(`${entry.id} ${kiroModelId}`);
        await deps.offeredModels?.refresh(entry, context);
        exhausted.delete(entry.id);
        pinned = entry;
        continue;
      }
      // `ksk_` API keys cannot be refreshed (gotcha 28): an invalid one counts against the account.
      const canRefresh = entry.spec.authMethod !== 'api_key' && !refreshed.has(entry.id);
      if (action.kind === 'refresh-and-retry' && canRefresh) {
        refreshed.add(entry.id);
        try {
          await deps.tokens.getAccessToken(entry, {
            force: true,
            ...(accessToken ? { rejectedToken: accessToken } : {}),
          });
          exhausted.delete(entry.id);
          pinned = entry;
        } catch (refreshError) {
          logger.warn({ credential, error: (refreshError as Error).message }, 'forced refresh failed');
          exhausted.add(entry.id);
        }
        continue;
      }
      const effective: FailureAction =
        action.kind === 'refresh-and-retry'
          ? { kind: 'account-failure', detail: 'bearer token still invalid after refresh' }
          : action;
      lastAction = effective;
      if (applyFailure(entry, effective, clock.now(), deps.health, kiroModelId)) {
        logger.warn({ credential, status: entry.status }, 'credential status changed');
      }
      pool.changed(entry);
      if (effective.kind === 'disable' && effective.reason === 'quota_exhausted')
        deps.onQuotaExhausted?.(entry);
      if (effective.kind !== 'transient') {
        exhausted.add(entry.id);
        continue;
      }
      // Back off only before another attempt: never make the client wait for an error it gets anyway.
      if (attempt === deps.maxAttemptsPerRequest || !pool.hasCandidate({ ...request, exclude: exhausted }))
        break;
      await wait(backoffDelay(transientRetries++, deps.random ?? Math.random), request.signal);
    }
  }
  if (notOffered && (lastAction === undefined || lastAction.kind === 'model-not-offered')) {
    throw new NotFoundError(
      `model: no available Kiro account offers ${request.model.kiroModelId} or a substitute for it (see README "Models")`,
    );
  }
  // Out of accounts rather than attempts: say why each is unavailable and when the next one frees up.
  if (lastAction?.kind !== 'transient' && !pool.hasCandidate(request)) throw pool.unavailableError(request);
  throw finalError(lastAction, pool.unavailableError(request), attempts);
}

/** The model this account serves the request with; undefined when it offers none that fits. */
async function modelForAccount(
  deps: DispatchDependencies,
  request: DispatchRequest,
  entry: CredentialEntry,
  context: KiroCallContext,
  refusedModels: ReadonlySet<string>,
): Promise<string | undefined> {
  if (!request.chooseModel) return request.model.kiroModelId;
  const offered = await deps.offeredModels?.get(entry, context);
  const chosen = request.chooseModel(offered);
  if (chosen === undefined || refusedModels.has(`${entry.id} ${chosen}`) || entry.deniedModels.has(chosen))
    return undefined;
  return chosen;
}
