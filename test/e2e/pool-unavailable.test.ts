// Issue 4, item 11 and issue 14 §3: when no account can serve, the gateway answers at once (never
// waits for a cooldown), naming each account's reason. Nothing frees up within maxRetryWaitSeconds
// (60): a non-retryable 403 permission_error that says what to do. A short wait: 429 when only
// throttling stands in the way, else 503; both with retry-after. 529 is left to real upstream
// overload. The ManualClock never moves here: had the gateway waited, the test would time out.
import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_HEALTH } from '../../src/credentials/credential-health.js';
import { ManualClock } from '../../src/shared/clock.js';
import type { Stack } from '../helpers/start-stack.js';
import { startStack } from '../helpers/start-stack.js';
import type { RawResponse } from '../helpers/pool-harness.js';
import {
  OPUS,
  SONNET,
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

  it('short throttling with disabled accounts: 429 naming both, retry-after until the throttle ends', async () => {
    const current = await start();
    current.sim.updateAccount(simId(1), { suspended: true });
    current.sim.updateAccount(simId(2), { suspended: true });
    for (const id of [3, 4, 5])
      current.sim.updateAccount(simId(id), { throttled: { retryAfterSeconds: 10 * id } });
    const response = await postMessage(current, 'mixed');
    expect(response.status).toBe(429);
    expect(errorOf(response).type).toBe('rate_limit_error');
    expect(errorOf(response).message).toContain('3 cooling down');
    expect(errorOf(response).message).toContain('2 disabled (suspended)');
    expect(response.headers.get('retry-after')).toBe('30');
  });

  it('throttled longer than maxRetryWaitSeconds, the rest disabled: 403 naming every account', async () => {
    const current = await start(3);
    current.sim.updateAccount(simId(1), { suspended: true });
    current.sim.updateAccount(simId(2), { throttled: { retryAfterSeconds: 600 } });
    current.sim.updateAccount(simId(3), { throttled: { retryAfterSeconds: 900 } });
    const response = await postMessage(current, 'long wait');
    expect(response.status).toBe(403);
    expect(errorOf(response).type).toBe('permission_error');
    expect(response.headers.get('retry-after')).toBeNull();
    const { message } = errorOf(response);
    expect(message).toContain('none frees up within 60 s');
    expect(message).toContain('#1 social: Kiro suspended the account');
    expect(message).toContain(
      `#2 social: throttled by Kiro (429) until ${new Date(START + 600_000).toISOString()}`,
    );
    expect(message).toContain('#3 social: throttled');
  });

  it('maxRetryWaitSeconds is the limit: a 10-minute throttle is worth a 429 when it allows 15', async () => {
    const current = await start(1, { maxRetryWaitSeconds: 900 });
    current.sim.updateAccount(simId(1), { throttled: { retryAfterSeconds: 600 } });
    const response = await postMessage(current, 'patient');
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('600');
  });

  it('all out of quota: 403 saying when the quota resets; the SDK does not retry it', async () => {
    const current = await start(2);
    for (const id of [1, 2]) current.sim.updateAccount(simId(id), { quotaExhausted: true });
    const response = await postMessage(current, 'broke');
    expect(response.status).toBe(403);
    expect(errorOf(response).type).toBe('permission_error');
    expect(response.headers.get('retry-after')).toBeNull();
    const { message } = errorOf(response);
    expect(message).toContain('2 disabled (quota_exhausted)');
    expect(message).toContain('#1 social: monthly quota used up, quota resets 2026-02-01');
    expect(message).toContain('add another account to credentials.json');

    // An SDK client that would retry a 429/5xx up to 3 times makes exactly one HTTP request.
    let calls = 0;
    const client = new Anthropic({
      baseURL: current.url,
      apiKey: current.apiKey,
      maxRetries: 3,
      fetch: (input, init) => {
        calls += 1;
        return fetch(input, init);
      },
    });
    const error = (await client.messages
      .create({ model: SONNET, max_tokens: 16, messages: [{ role: 'user', content: 'again' }] })
      .catch((failure: unknown) => failure)) as InstanceType<typeof Anthropic.APIError>;
    expect(error).toBeInstanceOf(Anthropic.PermissionDeniedError);
    expect(error.message).toContain('quota resets 2026-02-01');
    expect(calls).toBe(1);
    expect(current.sim.stats.chatRequests).toBe(2);
  });

  it('all suspended: 403 saying no account frees up by itself, no retry-after', async () => {
    const current = await start(2);
    for (const id of [1, 2]) current.sim.updateAccount(simId(id), { suspended: true });
    const response = await postMessage(current, 'locked out');
    expect(response.status).toBe(403);
    expect(errorOf(response).message).toContain('No account frees up by itself');
    expect(response.headers.get('retry-after')).toBeNull();
  });

  it('resting after sustained 5xx is neither throttling nor overload: 503 api_error with retry-after', async () => {
    const current = await start(1);
    entry(current, 1).coolDown(START + DEFAULT_HEALTH.transientCooldownMs, 'sustained upstream failures');
    const response = await postMessage(current, 'resting');
    expect(response.status).toBe(503);
    expect(errorOf(response).type).toBe('api_error');
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

  it('no credentials at all: 403 naming credentials.json', async () => {
    const current = await start(1);
    current.gateway.services.pool.replaceAll([]);
    const response = await postMessage(current, 'nobody home');
    expect(response.status).toBe(403);
    expect(errorOf(response).message).toContain('credentials.json');
  });
});

describe('/health', () => {
  const health = async (current: Stack) =>
    (await (await fetch(`${current.url}/health`)).json()) as {
      status: string;
      accounts: { total: number; available: number };
      message?: string;
      unavailable: { account: string; reason: string; freesAt?: string; advice: string }[];
    };

  it('down with the reasons a request gets when nothing frees up; degraded during a short throttle', async () => {
    const current = await start(2);
    expect((await health(current)).status).toBe('ok');

    current.sim.updateAccount(simId(1), { throttled: { retryAfterSeconds: 30 } });
    current.sim.updateAccount(simId(2), { throttled: { retryAfterSeconds: 30 } });
    expect((await postMessage(current, 'throttled')).status).toBe(429);
    expect(await health(current)).toMatchObject({ status: 'degraded', accounts: { total: 2, available: 0 } });

    entry(current, 1).disable('invalid_refresh_token', 'invalid_grant', START);
    entry(current, 2).disable(
      'quota_exhausted',
      'monthly request quota exhausted',
      START,
      Date.UTC(2026, 1, 1),
    );
    const response = await postMessage(current, 'dead pool');
    expect(response.status).toBe(403);
    const report = await health(current);
    expect(report.status).toBe('down');
    expect(report.message).toBe(errorOf(response).message);
    expect(report.unavailable).toEqual([
      {
        account: '#1 social',
        reason: 'invalid_refresh_token',
        advice:
          'Kiro rejected its refresh token (invalid_grant): add a new refresh token to credentials.json',
      },
      {
        account: '#2 social',
        reason: 'quota_exhausted',
        freesAt: '2026-02-01T00:00:00.000Z',
        advice:
          'monthly quota used up, quota resets 2026-02-01: wait, or add another account to credentials.json',
      },
    ]);
  });
});
