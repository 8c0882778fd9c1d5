import type { FailureAction } from './failure-action.js';
import type { CredentialEntry } from './credential-entry.js';
import { THROTTLED_REASON } from './credential-entry.js';

export interface HealthSettings {
  /** Rest after a 429 without Retry-After. */
  cooldownMs: number;
  /** Transient failures in a row (with no success between) before an account rests… */
  transientStreakThreshold: number;
  /** …and only if the streak lasted at least this long, so one burst of concurrent failures never flips it. */
  transientStreakMinMs: number;
  /** How long it then rests. */
  transientCooldownMs: number;
  /** Other 401/403 failures in a row before the account is disabled. */
  maxConsecutiveFailures: number;
}

export const DEFAULT_HEALTH: Omit<HealthSettings, 'cooldownMs'> = {
  transientStreakThreshold: 5,
  transientStreakMinMs: 30_000,
  transientCooldownMs: 60_000,
  maxConsecutiveFailures: 3,
};

/** First day of next month, 00:00 UTC: when Kiro quotas reset if usage limits do not say. */
export function nextMonthStart(now: number): number {
  const date = new Date(now);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}

export interface Completion {
  inputTokens: number;
  outputTokens: number;
  credits: number;
}

/** Tokens and credits a request spent on this account, whether or not its stream completed. */
export function recordUsage(entry: CredentialEntry, completion: Completion): void {
  entry.counters.inputTokens += completion.inputTokens;
  entry.counters.outputTokens += completion.outputTokens;
  entry.counters.credits += completion.credits;
  entry.creditsSinceSnapshot += completion.credits;
}

/** A request completed on this account: usage counted, failure streaks reset. */
export function recordSuccess(entry: CredentialEntry, completion: Completion): void {
  recordUsage(entry, completion);
  entry.counters.successes += 1;
  entry.transientStreak = 0;
  entry.consecutiveFailures = 0;
}

/**
 * Applies the failure policy to the account. Returns true when its status changed.
 * Client errors never touch the account; see classify-failure.ts for the table.
 */
export function applyFailure(
  entry: CredentialEntry,
  action: FailureAction,
  now: number,
  settings: HealthSettings,
  modelId: string,
): boolean {
  switch (action.kind) {
    case 'client-error':
    case 'refresh-and-retry':
    case 'model-not-offered':
      return false;
    case 'model-not-allowed':
      entry.deniedModels.add(modelId);
      return false;
    case 'disable': {
      fail(entry, action.detail);
      entry.disable(
        action.reason,
        action.detail,
        now,
        action.reason === 'quota_exhausted' ? quotaResetAt(entry, now) : undefined,
      );
      return true;
    }
    case 'cool-down': {
      const ms =
        action.retryAfterSeconds !== undefined ? action.retryAfterSeconds * 1000 : settings.cooldownMs;
      fail(entry, action.detail);
      entry.coolDown(now + ms, THROTTLED_REASON);
      return true;
    }
    case 'account-failure':
      fail(entry, action.detail);
      entry.consecutiveFailures += 1;
      if (entry.consecutiveFailures >= settings.maxConsecutiveFailures) {
        entry.disable('too_many_failures', action.detail, now);
        return true;
      }
      return false;
    case 'transient':
      fail(entry, action.detail);
      // Capacity problems are the model's, not the account's: they never make an account rest.
      if (action.overloaded) return false;
      if (entry.transientStreak === 0) entry.transientStreakSince = now;
      entry.transientStreak += 1;
      if (
        entry.transientStreak >= settings.transientStreakThreshold &&
        now - entry.transientStreakSince >= settings.transientStreakMinMs
      ) {
        entry.transientStreak = 0;
        entry.coolDown(now + settings.transientCooldownMs, 'sustained upstream failures');
        return true;
      }
      return false;
  }
}

/** When a quota disable ends: the snapshot's reset if still ahead (a stale one is not), else next month. */
function quotaResetAt(entry: CredentialEntry, now: number): number {
  const fromUsage = entry.usage?.nextResetAt;
  return fromUsage !== undefined && fromUsage > now ? fromUsage : nextMonthStart(now);
}

function fail(entry: CredentialEntry, detail: string): void {
  entry.counters.failures += 1;
  entry.counters.lastError = detail;
}
