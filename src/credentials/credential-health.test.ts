import { describe, expect, it } from 'vitest';
import type { FailureAction } from './failure-action.js';
import type { CredentialSpec } from '../upstream/credential.js';
import { CredentialEntry, THROTTLED_REASON } from './credential-entry.js';
import type { HealthSettings } from './credential-health.js';
import { DEFAULT_HEALTH, applyFailure, nextMonthStart, recordSuccess } from './credential-health.js';
import { testSpec } from '../../test/helpers/credential-spec.js';

const NOW = Date.UTC(2026, 0, 10);
const settings: HealthSettings = { ...DEFAULT_HEALTH, cooldownMs: 300_000 };
const spec: CredentialSpec = testSpec();
const quota: FailureAction = { kind: 'disable', reason: 'quota_exhausted', detail: 'quota' };
const transient: FailureAction = { kind: 'transient', detail: '503', overloaded: false };
const usage = (nextResetAt: number | undefined) => ({
  subscriptionTitle: 'KIRO PRO',
  subscriptionType: undefined,
  email: undefined,
  limit: 1000,
  used: 1000,
  remaining: 0,
  percentUsed: 100,
  bonusRemaining: 0,
  nextResetAt,
  fetchedAt: NOW,
});

describe('applyFailure', () => {
  it('client errors and refresh-and-retry never touch the account', () => {
    const entry = new CredentialEntry(spec, {});
    for (const action of [
      { kind: 'client-error', error: new Error('x') },
      { kind: 'refresh-and-retry' },
    ] as FailureAction[]) {
      expect(applyFailure(entry, action, NOW, settings, 'm')).toBe(false);
    }
    expect(entry.status).toEqual({ kind: 'active' });
    expect(entry.counters.failures).toBe(0);
  });

  it('quota: until the reset of the usage snapshot while it is ahead', () => {
    const entry = new CredentialEntry(spec, {});
    entry.usage = usage(NOW + 5 * 86_400_000);
    applyFailure(entry, quota, NOW, settings, 'm');
    expect(entry.status).toMatchObject({
      kind: 'disabled',
      reason: 'quota_exhausted',
      until: NOW + 5 * 86_400_000,
    });
  });

  it('quota: a stale snapshot (reset already past) or none falls back to the next calendar month', () => {
    for (const snapshot of [usage(NOW - 86_400_000), usage(undefined), undefined]) {
      const entry = new CredentialEntry(spec, {});
      entry.usage = snapshot;
      applyFailure(entry, quota, NOW, settings, 'm');
      expect(entry.status).toMatchObject({ kind: 'disabled', until: Date.UTC(2026, 1, 1) });
      expect(entry.settle(Date.UTC(2026, 1, 1))).toBe(true);
      expect(entry.status).toEqual({ kind: 'active' });
    }
    expect(nextMonthStart(Date.UTC(2026, 11, 31, 23))).toBe(Date.UTC(2027, 0, 1));
  });

  it('suspension disables with no end', () => {
    const entry = new CredentialEntry(spec, {});
    applyFailure(entry, { kind: 'disable', reason: 'suspended', detail: 's' }, NOW, settings, 'm');
    expect(entry.status).toEqual({ kind: 'disabled', reason: 'suspended', detail: 's', since: NOW });
  });

  it('429 cools for Retry-After, else cooldownMs, marked as throttling', () => {
    const entry = new CredentialEntry(spec, {});
    applyFailure(entry, { kind: 'cool-down', retryAfterSeconds: 42, detail: '429' }, NOW, settings, 'm');
    expect(entry.status).toEqual({ kind: 'cooling', until: NOW + 42_000, reason: THROTTLED_REASON });
    applyFailure(
      entry,
      { kind: 'cool-down', retryAfterSeconds: undefined, detail: '429' },
      NOW,
      settings,
      'm',
    );
    expect(entry.status).toMatchObject({ until: NOW + 300_000 });
  });

  it('transient: a burst at one instant never flips health; a streak spanning the minimum time does', () => {
    const burst = new CredentialEntry(spec, {});
    for (let index = 0; index < 50; index++) applyFailure(burst, transient, NOW, settings, 'm');
    expect(burst.status).toEqual({ kind: 'active' });

    const sustained = new CredentialEntry(spec, {});
    const step = settings.transientStreakMinMs / (settings.transientStreakThreshold - 1);
    for (let index = 0; index < settings.transientStreakThreshold; index++) {
      const flipped = applyFailure(sustained, transient, NOW + index * step, settings, 'm');
      expect(flipped).toBe(index === settings.transientStreakThreshold - 1);
    }
    expect(sustained.status).toMatchObject({ kind: 'cooling', reason: 'sustained upstream failures' });
  });

  it('capacity problems (overloaded) are counted but never make the account rest', () => {
    const entry = new CredentialEntry(spec, {});
    const overloaded: FailureAction = { kind: 'transient', detail: 'capacity', overloaded: true };
    for (let index = 0; index < 20; index++) {
      expect(applyFailure(entry, overloaded, NOW + index * 60_000, settings, 'm')).toBe(false);
    }
    expect(entry.status).toEqual({ kind: 'active' });
    expect(entry.transientStreak).toBe(0);
    expect(entry.counters.failures).toBe(20);
  });

  it('a success resets the transient streak and the account-failure count', () => {
    const entry = new CredentialEntry(spec, {});
    applyFailure(entry, transient, NOW, settings, 'm');
    applyFailure(entry, { kind: 'account-failure', detail: '403' }, NOW, settings, 'm');
    recordSuccess(entry, { inputTokens: 1, outputTokens: 2, credits: 0.5 });
    expect(entry.transientStreak).toBe(0);
    expect(entry.consecutiveFailures).toBe(0);
    expect(entry.counters).toMatchObject({ successes: 1, failures: 2, credits: 0.5 });
    expect(entry.creditsSinceSnapshot).toBe(0.5);
  });

  it('account failures disable after maxConsecutiveFailures', () => {
    const entry = new CredentialEntry(spec, {});
    for (let index = 1; index <= settings.maxConsecutiveFailures; index++) {
      applyFailure(entry, { kind: 'account-failure', detail: '403' }, NOW, settings, 'm');
    }
    expect(entry.status).toMatchObject({ kind: 'disabled', reason: 'too_many_failures' });
  });
});
