import { describe, expect, it } from 'vitest';
import { ManualClock } from '../shared/clock.js';
import type { CredentialSpec } from '../upstream/credential.js';
import { CredentialEntry, THROTTLED_REASON } from './credential-entry.js';
import type { CredentialPool as Pool, ModelRequirement } from './credential-pool.js';
import { CredentialPool } from './credential-pool.js';
import type { SelectionPolicy } from './select-credential.js';
import { testSpec } from '../../test/helpers/credential-spec.js';

const sonnet: ModelRequirement = { kiroModelId: 'claude-sonnet-4.6', family: 'sonnet' };
const opus: ModelRequirement = { kiroModelId: 'claude-opus-4.6', family: 'opus' };

function entry(id: number, overrides: Partial<CredentialSpec> = {}): CredentialEntry {
  return new CredentialEntry(testSpec({ id, ...overrides }), {});
}

function pool(policy: SelectionPolicy, count = 3, clock = new ManualClock()): Pool {
  return new CredentialPool(
    Array.from({ length: count }, (_, index) => entry(index + 1)),
    { clock, policy },
  );
}

const pick = (target: Pool, sessionId?: string) => target.select({ model: sonnet, sessionId })?.id;

describe('CredentialPool', () => {
  it('sticky+round-robin: a returning session does not move the cursor, so new sessions still spread', () => {
    const target = pool({ mode: 'round-robin', sticky: true });
    expect(pick(target, 'a')).toBe(1);
    expect(pick(target, 'b')).toBe(2);
    expect(pick(target, 'a')).toBe(1);
    expect(pick(target, 'c')).toBe(3);
    expect(pick(target, 'b')).toBe(2);
    expect(pick(target)).toBe(1);
  });

  it('sticky: an unavailable account releases its sessions to the mode, which rebinds them', () => {
    const clock = new ManualClock();
    const target = pool({ mode: 'priority', sticky: true }, 2, clock);
    expect(pick(target, 's')).toBe(1);
    target.get(1)!.coolDown(clock.now() + 1000, THROTTLED_REASON);
    expect(pick(target, 's')).toBe(2);
    clock.advance(1000);
    expect(pick(target, 's')).toBe(2);
  });

  it('hasCandidate answers without moving the round-robin cursor', () => {
    const target = pool({ mode: 'round-robin', sticky: false });
    expect(target.hasCandidate({ model: sonnet })).toBe(true);
    expect(target.hasCandidate({ model: sonnet, exclude: new Set([1, 2, 3]) })).toBe(false);
    expect(pick(target)).toBe(1);
  });

  it('free plans are kept off Opus; only free accounts → permission error', () => {
    const target = new CredentialPool([entry(1, { subscriptionTitle: 'KIRO FREE' }), entry(2)], {
      clock: new ManualClock(),
      policy: { mode: 'priority', sticky: false },
    });
    expect(target.select({ model: opus })?.id).toBe(2);
    expect(target.select({ model: sonnet })?.id).toBe(1);
    target.remove(2);
    expect(target.select({ model: opus })).toBeUndefined();
    const error = target.unavailableError({ model: opus });
    expect(error).toMatchObject({ status: 403, type: 'permission_error' });
    expect(error.message).toContain('#1 social: free plans cannot use claude-opus-4.6');
  });

  it('unavailableError: 429 when only throttling stands in a short wait, 503 for other short waits, else 403', () => {
    const clock = new ManualClock();
    const now = clock.now();
    const target = pool({ mode: 'priority', sticky: false }, 2, clock);
    target.get(1)!.coolDown(now + 5000, THROTTLED_REASON);
    target.get(2)!.coolDown(now + 9000, THROTTLED_REASON);
    const throttled = target.unavailableError({ model: sonnet });
    expect(throttled).toMatchObject({ status: 429, type: 'rate_limit_error', retryAfterSeconds: 5 });
    target.get(2)!.coolDown(now + 9000, 'sustained upstream failures');
    const resting = target.unavailableError({ model: sonnet });
    expect(resting).toMatchObject({ status: 503, type: 'api_error', retryAfterSeconds: 5 });
    target.get(2)!.disable('suspended', 's', now);
    const mixed = target.unavailableError({ model: sonnet });
    expect(mixed).toMatchObject({ status: 429, type: 'rate_limit_error', retryAfterSeconds: 5 });
    expect(mixed.message).toContain('1 cooling down, 1 disabled (suspended)');

    target.get(1)!.coolDown(now + 10 * 60_000, THROTTLED_REASON);
    const dead = target.unavailableError({ model: sonnet });
    expect(dead).toMatchObject({ status: 403, type: 'permission_error', retryAfterSeconds: undefined });
    expect(dead.message).toContain('none frees up within 60 s');
    expect(dead.message).toContain('#1 social: throttled by Kiro (429) until 2026-01-01T00:10:00.000Z');
    expect(dead.message).toContain('#2 social: Kiro suspended the account');
    expect(dead.accounts.map((item) => item.reason)).toEqual(['throttled', 'suspended']);
    target.setMaxRetryWait(600_000);
    expect(target.unavailableError({ model: sonnet }).status).toBe(429);
  });

  it('unavailableError counts a cooldown that already ended as available', () => {
    const clock = new ManualClock();
    const target = pool({ mode: 'priority', sticky: false }, 2, clock);
    target.get(1)!.coolDown(clock.now() + 1000, THROTTLED_REASON);
    target.get(2)!.disable('suspended', 's', clock.now());
    clock.advance(1000);
    expect(target.unavailableError({ model: sonnet }).message).not.toContain('cooling');
  });
});
