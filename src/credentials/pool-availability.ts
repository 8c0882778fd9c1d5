import type { AnthropicErrorType, GatewayErrorOptions } from '../shared/errors.js';
import { GatewayError } from '../shared/errors.js';
import type { CredentialEntry } from './credential-entry.js';
import { THROTTLED_REASON } from './credential-entry.js';

/** Why one account cannot serve now, when it frees up by itself, and what a person can do. */
export interface AccountUnavailability {
  /** `#3 social`: the id is the entry's in credentials.json. */
  account: string;
  /** A disabled reason (`invalid_refresh_token`, …), `throttled`, `resting`, `model_not_allowed` or `tried`. */
  reason: string;
  /** When it serves again without anyone acting (epoch ms); absent when only a person can fix it. */
  freesAt?: number;
  /** One sentence: what happened and what to do. */
  advice: string;
}

/**
 * No account can take the request. Protocol-neutral: `status` and `type` say whether retrying can
 * help (403 `permission_error` when nothing frees up within `maxRetryWaitSeconds`, 429 when only
 * throttling is in the way, 503 otherwise); each protocol's error mapper renders it.
 */
export class PoolUnavailableError extends GatewayError {
  constructor(
    type: AnthropicErrorType,
    status: number,
    message: string,
    readonly accounts: readonly AccountUnavailability[],
    options?: GatewayErrorOptions,
  ) {
    super(type, status, message, options);
  }
}

/** `2027-01-01` for a midnight (UTC), else the full ISO time. */
function formatInstant(at: number): string {
  const iso = new Date(at).toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
}

const accountLabel = (entry: CredentialEntry): string => `#${entry.id} ${entry.spec.authMethod}`;

const ADD_ACCOUNT = 'or add another account to credentials.json';

function disabledAdvice(entry: CredentialEntry): Omit<AccountUnavailability, 'account'> | undefined {
  const status = entry.status;
  if (status.kind !== 'disabled') return undefined;
  const { reason, detail } = status;
  switch (reason) {
    case 'invalid_refresh_token':
      return {
        reason,
        advice: `Kiro rejected its refresh token (${detail}): add a new refresh token to credentials.json`,
      };
    case 'invalid_client':
      return {
        reason,
        advice: `Kiro rejected its client registration: sign in to Kiro again and put the new refresh token, clientId and clientSecret into credentials.json`,
      };
    case 'suspended':
      return { reason, advice: `Kiro suspended the account: check it with Kiro, ${ADD_ACCOUNT}` };
    case 'quota_exhausted':
      return status.until === undefined
        ? { reason, advice: `monthly quota used up: ${ADD_ACCOUNT}` }
        : {
            reason,
            freesAt: status.until,
            advice: `monthly quota used up, quota resets ${formatInstant(status.until)}: wait, ${ADD_ACCOUNT}`,
          };
    case 'too_many_failures':
      return {
        reason,
        advice: `disabled after repeated failures (${detail}): check the account with Kiro; kirogate tries it again once every account is in this state`,
      };
    case 'manual':
      return { reason, advice: 'disabled in credentials.json ("disabled": true)' };
  }
}

/**
 * Why `entry` cannot take a request for `model` now. Active accounts the request may use are
 * reported as `tried` (the request already used them up), free at once.
 */
export function describeUnavailability(
  entry: CredentialEntry,
  now: number,
  model?: { id: string; allowed: boolean; free: boolean },
): AccountUnavailability {
  const account = accountLabel(entry);
  const status = entry.status;
  if (model !== undefined && !model.allowed) {
    const advice = model.free
      ? `free plans cannot use ${model.id}: use Sonnet or Haiku, or add a paid account to credentials.json`
      : `Kiro refused ${model.id} for this account: use another model, ${ADD_ACCOUNT}`;
    return { account, reason: 'model_not_allowed', advice };
  }
  if (status.kind === 'cooling') {
    const throttled = status.reason === THROTTLED_REASON;
    const until = formatInstant(status.until);
    return {
      account,
      reason: throttled ? 'throttled' : 'resting',
      freesAt: status.until,
      advice: throttled
        ? `throttled by Kiro (429) until ${until}`
        : `resting (${status.reason}) until ${until}`,
    };
  }
  const disabled = disabledAdvice(entry);
  if (disabled !== undefined) return { account, ...disabled };
  const last = entry.counters.lastError;
  return {
    account,
    reason: 'tried',
    freesAt: now,
    advice: `already tried for this request${last === undefined ? '' : ` (last error: ${last})`}`,
  };
}

const MAX_LISTED = 10;
const COOLING = ['throttled', 'resting'];

/** `#1 social: advice; #2 idc: advice; … and 3 more`. */
function listUnavailability(accounts: readonly AccountUnavailability[]): string {
  const listed = accounts.slice(0, MAX_LISTED).map((item) => `${item.account}: ${item.advice}`);
  const more = accounts.length > MAX_LISTED ? `; and ${accounts.length - MAX_LISTED} more` : '';
  return `${listed.join('; ')}${more}.`;
}

function formatWait(now: number, until: number): string {
  const minutes = Math.max(1, Math.ceil((until - now) / 60_000));
  const wait =
    minutes < 120
      ? `${minutes} min`
      : minutes < 2880
        ? `${Math.round(minutes / 60)} h`
        : `${Math.round(minutes / 1440)} days`;
  return `${new Date(until).toISOString()} (in ${wait})`;
}

/** `3 cooling down, 2 disabled (suspended)`. */
function summarize(accounts: readonly AccountUnavailability[]): string {
  const count = (reasons: readonly string[]) => accounts.filter((item) => reasons.includes(item.reason));
  const cooling = count(COOLING);
  const refused = count(['model_not_allowed']);
  const tried = count(['tried']);
  const disabled = accounts.filter(
    (item) => ![...COOLING, 'model_not_allowed', 'tried'].includes(item.reason),
  );
  return [
    cooling.length > 0 ? `${cooling.length} cooling down` : '',
    disabled.length > 0
      ? `${disabled.length} disabled (${[...new Set(disabled.map((item) => item.reason))].join(', ')})`
      : '',
    refused.length > 0 ? `${refused.length} not allowed this model` : '',
    tried.length > 0 ? `${tried.length} already tried for this request` : '',
  ]
    .filter(Boolean)
    .join(', ');
}

export interface PoolAvailability {
  status: 'ok' | 'degraded' | 'down' | 'no-credentials';
  total: number;
  available: number;
  /** When no account is available: the same text a request would get. */
  message?: string;
  unavailable: AccountUnavailability[];
}

/**
 * The answer when no account is available: 403 when none frees up within `maxRetryWaitMs`, else
 * 429 (only throttling in the way) or 503, with `retry-after`.
 */
export function unavailableVerdict(
  accounts: AccountUnavailability[],
  now: number,
  maxRetryWaitMs: number,
): PoolUnavailableError {
  const frees = accounts.map((item) => item.freesAt).filter((at): at is number => at !== undefined);
  const soon = accounts.filter((item) => item.freesAt !== undefined && item.freesAt - now <= maxRetryWaitMs);
  const next = frees.length > 0 ? Math.min(...frees) : undefined;
  const when =
    next === undefined
      ? 'No account frees up by itself.'
      : next <= now
        ? 'A retry may find one.'
        : `The next one frees up at ${formatWait(now, next)}.`;
  const details = listUnavailability(accounts);
  if (soon.length === 0 || next === undefined) {
    const limit = Math.round(maxRetryWaitMs / 1000);
    const message = `All ${accounts.length} Kiro account(s) are unavailable and none frees up within ${limit} s: ${summarize(accounts)}. ${when} ${details}`;
    return new PoolUnavailableError('permission_error', 403, message, accounts);
  }
  const message = `All ${accounts.length} Kiro account(s) are unavailable: ${summarize(accounts)}. ${when} ${details}`;
  const options = { retryAfterSeconds: Math.max(1, Math.ceil((next - now) / 1000)) };
  if (soon.every((item) => item.reason === 'throttled'))
    return new PoolUnavailableError('rate_limit_error', 429, message, accounts, options);
  return new PoolUnavailableError('api_error', 503, message, accounts, options);
}
