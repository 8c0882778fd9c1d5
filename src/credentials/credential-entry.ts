import type { UsageSnapshot } from '../upstream/usage-limits.js';
import type { CredentialSpec, TokenState } from '../upstream/credential.js';

/** Why an account is out of service. `manual` comes from the file; the rest are set by the pool. */
export type DisabledReason =
  | 'manual'
  | 'invalid_refresh_token'
  | 'invalid_client'
  | 'suspended'
  | 'quota_exhausted'
  | 'too_many_failures';

/** The cooling reason of a 429: only when every account rests for this reason is the answer 429, not 529. */
export const THROTTLED_REASON = 'throttled (429)';

export type CredentialStatus =
  | { kind: 'active' }
  /** Resting after throttling or sustained transient failures. */
  | { kind: 'cooling'; until: number; reason: string }
  /** Out of service; `until` set only when it ends by itself (quota reset). */
  | { kind: 'disabled'; reason: DisabledReason; detail: string; since: number; until?: number };

export interface CredentialCounters {
  requests: number;
  successes: number;
  failures: number;
  inputTokens: number;
  outputTokens: number;
  credits: number;
  lastUsedAt: number | undefined;
  lastError: string | undefined;
}

export function emptyCounters(): CredentialCounters {
  return {
    requests: 0,
    successes: 0,
    failures: 0,
    inputTokens: 0,
    outputTokens: 0,
    credits: 0,
    lastUsedAt: undefined,
    lastError: undefined,
  };
}

/** One account at runtime: its settings, current tokens, health and counters. */
export class CredentialEntry {
  status: CredentialStatus;
  counters: CredentialCounters = emptyCounters();
  usage: UsageSnapshot | undefined;
  /** Requests currently streaming through this account. */
  inFlight = 0;
  /** Transient failures since the last success, and when the streak began. */
  transientStreak = 0;
  transientStreakSince = 0;
  consecutiveRefreshFailures = 0;
  /** Account failures (401/403 other than an invalid bearer) since the last success. */
  consecutiveFailures = 0;
  /** Credits metered since `usage` was fetched, so `quota` selection sees live balances. */
  creditsSinceSnapshot = 0;
  /** Refresh tokens this account rotated away from (newest last, a few kept): never taken back from a reload. */
  readonly retiredRefreshTokens: string[] = [];
  /** Kiro model ids this account was refused (FEATURE_NOT_SUPPORTED); not asked again until reload. */
  readonly deniedModels = new Set<string>();

  constructor(
    public spec: CredentialSpec,
    public tokens: TokenState,
  ) {
    this.status = spec.disabled
      ? { kind: 'disabled', reason: 'manual', detail: 'disabled in the credentials file', since: 0 }
      : { kind: 'active' };
  }

  get id(): number {
    return this.spec.id;
  }

  /** Applies time-based transitions: cooling ends, a quota reset re-enables. Returns true if it changed. */
  settle(now: number): boolean {
    const status = this.status;
    if (status.kind === 'cooling' && status.until <= now) {
      this.status = { kind: 'active' };
      return true;
    }
    if (status.kind === 'disabled' && status.until !== undefined && status.until <= now) {
      this.status = { kind: 'active' };
      return true;
    }
    return false;
  }

  isAvailable(now: number): boolean {
    this.settle(now);
    return this.status.kind === 'active';
  }

  disable(reason: DisabledReason, detail: string, now: number, until?: number): void {
    this.status = { kind: 'disabled', reason, detail, since: now, ...(until === undefined ? {} : { until }) };
  }

  /** Records a rotation, so a stale copy of the old token (a reload racing our write-back) is recognised. */
  retireRefreshToken(token: string): void {
    this.retiredRefreshTokens.push(token);
    if (this.retiredRefreshTokens.length > 8) this.retiredRefreshTokens.shift();
  }

  coolDown(until: number, reason: string): void {
    if (this.status.kind === 'disabled') return;
    this.status = { kind: 'cooling', until, reason };
  }
}
