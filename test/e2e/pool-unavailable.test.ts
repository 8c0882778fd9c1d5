// Issue 4, item 11: when no account can serve, the gateway answers at once (never waits for a
// cooldown) with 529 overloaded_error, or 429 rate_limit_error when every account is only throttled,
// saying when the next one frees up. The ManualClock never moves in these tests: had the gateway
// waited for a cooldown, the request would hang and the test time out.
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_HEALTH } from '../../src/credentials/credential-health.js';
import { ManualClock } from '../../src/shared/clock.js';
import type { Stack } from '../helpers/start-stack.js';
import { startStack } from '../helpers/start-stack.js';
import type { RawResponse } from '../helpers/pool-harness.js';
import {
  OPUS,
  entry,
  postMessage,
  recordBackoff,
  simId,
  socialAccounts,
  warmUp,
} from '../helpers/pool-harness.js';

const START = Date.UTC(2026, 0, 1);
let stack: Stack | undefined;
let clock: ManualClock;
let delays: number[];
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function start(accounts = 5, config: Record<string, unknown> = {}): Promise<Stack> {
  clock = new ManualClock(START);
  stack = await startStack({
    accounts: socialAccounts(accounts),
    clock,
    config: { loadBalancingMode: 'round-robin', ...config },
  });
  await warmUp(stack);
  delays = recordBackoff(stack);
  stack.sim.resetStats();
  return stack;
}

function errorOf(response: RawResponse): { type: string; message: string } {
  return (response.json as { error: { type: string; message: string } }).error;
}

describe('every account unavailable', () => {
  it('all throttled: the request that finds out answers 429 with the earliest Retry-After', async () => {
    const current = await start();
    for (let id = 1; id <= 5; id++) {
      current.sim.updateAccount(simId(id), { throttled: { retryAfterSeconds: 60 * (6 - id) } });
    }
    const response = await postMessage(current, 'anyone?');
    expect(current.sim.stats.chatRequests).toBe(5);
    expect(response.status).toBe(429);
    expect(errorOf(response).type).toBe('rate_limit_error');
    expect(response.headers.get('retry-after')).toBe('60');
    expect(errorOf(response).message).toContain('5 cooling down');
    expect(errorOf(response).message).toContain(`frees up at ${new Date(START + 60_000).toISOString()}`);
    expect(clock.now()).toBe(START);
    expect(delays).toEqual([]);
  });

  it('all cooling: the next request is answered without any upstream call', async () => {
    const current = await start();
    for (let id = 1; id <= 5; id++) entry(current, id).coolDown(START + id * 1000, 'throttled (429)');
    const responses = await Promise.all([1, 2, 3].map((index) => postMessage(current, `retry ${index}`)));
    for (const response of responses) {
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('1');
      expect(errorOf(response).message).toMatch(/frees up at 2026-01-01T00:00:01\.000Z \(in 1 min\)/);
    }
    expect(current.sim.stats.chatRequests).toBe(0);
    // Once the clock passes the first cooldown, that account serves again.
    clock.advance(1000);
    expect((await postMessage(current, 'now')).status).toBe(200);
  });

  it('cooling and disabled mixed: 529 overloaded_error, naming both and when the next frees up', async () => {
    const current = await start();
    current.sim.updateAccount(simId(1), { suspended: true });
    current.sim.updateAccount(simId(2), { suspended: true });
    for (const id of [3, 4, 5])
      current.sim.updateAccount(simId(id), { throttled: { retryAfterSeconds: 30 * id } });
    const response = await postMessage(current, 'mixed');
    expect(response.status).toBe(529);
    expect(errorOf(response).type).toBe('overloaded_error');
    expect(errorOf(response).message).toContain('3 cooling down');
    expect(errorOf(response).message).toContain('2 disabled (suspended)');
    expect(response.headers.get('retry-after')).toBe('90');
    const again = await postMessage(current, 'again');
    expect(again.status).toBe(529);
    expect(current.sim.stats.chatRequests).toBe(5);
  });

  it('all out of quota: 529 with Retry-After until the monthly reset', async () => {
    const current = await start(2);
    for (const id of [1, 2]) current.sim.updateAccount(simId(id), { quotaExhausted: true });
    const response = await postMessage(current, 'broke');
    expect(response.status).toBe(529);
    expect(errorOf(response).message).toContain('2 disabled (quota_exhausted)');
    const reset = Date.UTC(2026, 1, 1);
    expect(response.headers.get('retry-after')).toBe(String((reset - START) / 1000));
    expect(errorOf(response).message).toContain(new Date(reset).toISOString());
  });

  it('all suspended: 529 saying no account frees up by itself, no retry-after', async () => {
    const current = await start(2);
    for (const id of [1, 2]) current.sim.updateAccount(simId(id), { suspended: true });
    const response = await postMessage(current, 'locked out');
    expect(response.status).toBe(529);
    expect(errorOf(response).message).toContain('No account frees up by itself');
    expect(response.headers.get('retry-after')).toBeNull();
  });

  it('resting after sustained 5xx is not throttling: 529, not 429', async () => {
    const current = await start(1);
    entry(current, 1).coolDown(START + DEFAULT_HEALTH.transientCooldownMs, 'sustained upstream failures');
    const response = await postMessage(current, 'resting');
    expect(response.status).toBe(529);
    expect(errorOf(response).type).toBe('overloaded_error');
    expect(response.headers.get('retry-after')).toBe(String(DEFAULT_HEALTH.transientCooldownMs / 1000));
  });

  it('only free accounts and an Opus request: 403 permission_error at once', async () => {
    const current = await start(2);
    current.sim.updateAccount(simId(1), { tier: 'FREE' });
    current.sim.updateAccount(simId(2), { tier: 'FREE' });
    const { pool, accounts } = current.gateway.services;
    await Promise.all(pool.list().map((candidate) => accounts.refreshUsage(candidate)));
    const response = await postMessage(current, 'opus please', { model: OPUS });
    expect(response.status).toBe(403);
    expect(errorOf(response).type).toBe('permission_error');
    expect(current.sim.stats.chatRequests).toBe(0);
  });

  it('no credentials at all: 503 naming credentials.json', async () => {
    const current = await start(1);
    current.gateway.services.pool.replaceAll([]);
    const response = await postMessage(current, 'nobody home');
    expect(response.status).toBe(503);
    expect(errorOf(response).message).toContain('credentials.json');
  });
});
