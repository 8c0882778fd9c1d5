// Issue 4, items 3–5: each failure class drives the documented account state change, failover
// completes the request, and nothing fails over once the first byte reached the client.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_HEALTH } from '../../src/credentials/credential-health.js';
import { ManualClock } from '../../src/shared/clock.js';
import type { Stack, StackOptions } from '../helpers/start-stack.js';
import { startStack } from '../helpers/start-stack.js';
import {
  chatCounts,
  entry,
  postMessage,
  recordBackoff,
  simId,
  socialAccounts,
  warmUp,
} from '../helpers/pool-harness.js';

let stack: Stack | undefined;
let clock: ManualClock;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

/** Three accounts in priority order 1, 2, 3, tokens already fetched, stats cleared. */
async function start(options: StackOptions = {}): Promise<Stack> {
  clock = new ManualClock();
  stack = await startStack({
    accounts: socialAccounts(3),
    clock,
    credentialFields: [{ priority: 0 }, { priority: 1 }, { priority: 2 }],
    ...options,
    config: { loadBalancingMode: 'priority', ...options.config },
  });
  await warmUp(stack);
  stack.sim.resetStats();
  return stack;
}

const untouched = { requests: 0, failures: 0, successes: 0 };

describe('failure policy: account effect and request effect', () => {
  it('a client-caused 400 answers the client and never penalises the account (no failover)', async () => {
    // With modelFallback on, INVALID_MODEL_ID fails over instead (messages-model-fallback.test.ts).
    const current = await start({ config: { modelFallback: 'off' } });
    for (const preset of ['improperly-formed', 'context-too-long', 'invalid-model'] as const) {
      current.sim.enqueueScript({ httpError: preset }, { accountId: simId(1) });
    }
    const statuses = [];
    for (let index = 0; index < 3; index++)
      statuses.push((await postMessage(current, `bad ${index}`)).status);
    expect(statuses).toEqual([400, 400, 404]);
    expect(entry(current, 1).status).toEqual({ kind: 'active' });
    expect(entry(current, 1).counters).toMatchObject({ requests: 3, failures: 0 });
    expect(entry(current, 2).counters).toMatchObject(untouched);
    expect(current.sim.stats.chatRequests).toBe(3);
    expect(current.sim.stats.refreshCalls.byAccount).toEqual({});
  });

  it('an invalid bearer: exactly one forced refresh, then success on the same account', async () => {
    const current = await start();
    current.sim.updateAccount(simId(1), { invalidateAccessTokens: true });
    const response = await postMessage(current, 'after revocation');
    expect(response.status).toBe(200);
    expect(current.sim.stats.refreshCalls.byAccount).toEqual({ [simId(1)]: 1 });
    // The 403 has no account (the bearer is unknown); the retry is account 1's.
    expect(current.sim.stats.chatRequests).toBe(2);
    expect(chatCounts(current)).toEqual({ [simId(1)]: 1 });
    expect(entry(current, 1).status).toEqual({ kind: 'active' });
    expect(entry(current, 1).counters).toMatchObject({ failures: 0, successes: 1 });
  });

  it('a bearer still invalid after the refresh counts against the account and fails over', async () => {
    const current = await start();
    current.sim.enqueueScript({ httpError: 'bearer-invalid' }, { accountId: simId(1), times: 2 });
    const response = await postMessage(current, 'twice rejected');
    expect(response.status).toBe(200);
    expect(current.sim.stats.refreshCalls.byAccount).toEqual({ [simId(1)]: 1 });
    expect(chatCounts(current)).toEqual({ [simId(1)]: 2, [simId(2)]: 1 });
    expect(entry(current, 1).counters.failures).toBe(1);
  });

  it('a revoked refresh token: the forced refresh fails, the account is disabled and the request fails over', async () => {
    const current = await start();
    current.sim.updateAccount(simId(1), { revoked: true });
    expect((await postMessage(current, 'revoked')).status).toBe(200);
    expect(entry(current, 1).status).toMatchObject({ kind: 'disabled', reason: 'invalid_refresh_token' });
    expect(current.sim.stats.refreshCalls).toMatchObject({ failed: 1 });
    await postMessage(current, 'no second refresh attempt');
    expect(current.sim.stats.refreshCalls).toMatchObject({ failed: 1 });
  });

  it('TEMPORARILY_SUSPENDED disables with that reason, with no refresh loop, and fails over', async () => {
    const current = await start();
    current.sim.updateAccount(simId(1), { suspended: true });
    expect((await postMessage(current, 'one')).status).toBe(200);
    expect((await postMessage(current, 'two')).status).toBe(200);
    expect(entry(current, 1).status).toMatchObject({ kind: 'disabled', reason: 'suspended' });
    expect(current.sim.stats.refreshCalls.byAccount).toEqual({});
    expect(chatCounts(current)).toEqual({ [simId(1)]: 1, [simId(2)]: 2 });
    // It does not come back by itself.
    clock.advance(7 * 86_400_000);
    expect(entry(current, 1).isAvailable(clock.now())).toBe(false);
  });

  it('402 MONTHLY_REQUEST_COUNT disables until the reset date from usage limits', async () => {
    const current = await start();
    current.sim.updateAccount(simId(1), { quotaExhausted: true });
    expect((await postMessage(current, 'over quota')).status).toBe(200);
    const reset = Date.UTC(2026, 1, 1); // the simulator's nextDateReset for a 2026-01-01 clock
    expect(entry(current, 1).status).toMatchObject({
      kind: 'disabled',
      reason: 'quota_exhausted',
      until: reset,
    });
    expect(chatCounts(current)).toEqual({ [simId(1)]: 1, [simId(2)]: 1 });
    expect(current.sim.stats.refreshCalls.byAccount).toEqual({});
  });

  it('429 with Retry-After cools down until then and fails over; without it, cooldownSeconds', async () => {
    const current = await start({ config: { cooldownSeconds: 200 } });
    const now = clock.now();
    current.sim.updateAccount(simId(1), { throttled: { retryAfterSeconds: 120 } });
    expect((await postMessage(current, 'throttled')).status).toBe(200);
    expect(entry(current, 1).status).toMatchObject({ kind: 'cooling', until: now + 120_000 });
    expect(entry(current, 1).counters.failures).toBe(1);
    current.sim.updateAccount(simId(2), { throttled: {} });
    expect((await postMessage(current, 'throttled again')).status).toBe(200);
    expect(entry(current, 2).status).toMatchObject({ kind: 'cooling', until: now + 200_000 });
    expect(chatCounts(current)).toEqual({ [simId(1)]: 1, [simId(2)]: 2, [simId(3)]: 1 });
    // Cooling ends on the clock: account 1 serves again once 120 s have passed and the throttle lifted.
    current.sim.updateAccount(simId(1), { throttled: null });
    clock.advance(119_000);
    current.sim.resetStats();
    await postMessage(current, 'still cooling');
    expect(chatCounts(current)).toEqual({ [simId(3)]: 1 });
    clock.advance(1_000);
    await postMessage(current, 'cooled down');
    expect(chatCounts(current)).toEqual({ [simId(1)]: 1, [simId(3)]: 1 });
    expect(entry(current, 1).status).toEqual({ kind: 'active' });
  });

  it('5xx: backed off with exponential delays and jitter, then fails over; one burst does not flip health', async () => {
    const current = await start();
    const delays = recordBackoff(current);
    current.sim.enqueueScript(
      { httpError: 'service-unavailable' },
      { accountId: simId(1), times: 'forever' },
    );
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, index) => postMessage(current, `burst ${index}`)),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(8).fill(200));
    expect(chatCounts(current)).toEqual({ [simId(1)]: 8, [simId(2)]: 8 });
    expect(delays).toHaveLength(8);
    // 200 ms × 2^0 plus up to 25 % jitter.
    for (const delay of delays) expect(delay).toBeGreaterThanOrEqual(200);
    for (const delay of delays) expect(delay).toBeLessThanOrEqual(250);
    expect(entry(current, 1).status).toEqual({ kind: 'active' });
    expect(entry(current, 1).counters.failures).toBe(8);
  });

  it('5xx: a sustained streak (threshold failures over the minimum span) rests the account', async () => {
    const current = await start();
    recordBackoff(current);
    current.sim.enqueueScript({ httpError: 'internal-error' }, { accountId: simId(1), times: 'forever' });
    const { transientStreakThreshold, transientStreakMinMs, transientCooldownMs } = DEFAULT_HEALTH;
    const step = Math.ceil(transientStreakMinMs / (transientStreakThreshold - 1));
    for (let index = 0; index < transientStreakThreshold; index++) {
      expect(entry(current, 1).status.kind).toBe('active');
      expect((await postMessage(current, `failure ${index}`)).status).toBe(200);
      if (index < transientStreakThreshold - 1) clock.advance(step);
    }
    expect(entry(current, 1).status).toMatchObject({
      kind: 'cooling',
      until: clock.now() + transientCooldownMs,
      reason: 'sustained upstream failures',
    });
    current.sim.resetStats();
    await postMessage(current, 'resting');
    expect(chatCounts(current)).toEqual({ [simId(2)]: 1 });
  });

  it('capacity errors (INSUFFICIENT_MODEL_CAPACITY, high load) never rest the account, however long', async () => {
    const current = await start();
    recordBackoff(current);
    current.sim.enqueueScript(
      { httpError: 'insufficient-capacity' },
      { accountId: simId(1), times: 'forever' },
    );
    for (let index = 0; index < DEFAULT_HEALTH.transientStreakThreshold * 2; index++) {
      expect((await postMessage(current, `capacity ${index}`)).status).toBe(200);
      clock.advance(DEFAULT_HEALTH.transientStreakMinMs);
    }
    expect(entry(current, 1).status).toEqual({ kind: 'active' });
    expect(chatCounts(current)[simId(1)]).toBe(DEFAULT_HEALTH.transientStreakThreshold * 2);
  });

  it('a success between failures resets the streak', async () => {
    const current = await start();
    recordBackoff(current);
    for (let index = 0; index < DEFAULT_HEALTH.transientStreakThreshold * 2; index++) {
      if (index % 2 === 0) current.sim.enqueueScript({ httpError: 'bad-gateway' }, { accountId: simId(1) });
      await postMessage(current, `mixed ${index}`);
      clock.advance(DEFAULT_HEALTH.transientStreakMinMs);
    }
    expect(entry(current, 1).status).toEqual({ kind: 'active' });
    expect(entry(current, 1).transientStreak).toBe(0);
  });

  it('a network failure (connection refused) backs off and fails over without flipping health', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    clock = new ManualClock();
    stack = await startStack({
      accounts: socialAccounts(2),
      clock,
      credentialFields: [{ priority: 0, proxyUrl: `http://127.0.0.1:${port}` }, { priority: 1 }],
      config: { loadBalancingMode: 'priority' },
    });
    const delays = recordBackoff(stack);
    expect((await postMessage(stack, 'through a dead proxy')).status).toBe(200);
    expect(chatCounts(stack)).toEqual({ [simId(2)]: 1 });
    expect(delays).toHaveLength(1);
    expect(entry(stack, 1).status).toEqual({ kind: 'active' });
    expect(entry(stack, 1).counters.failures).toBe(1);
  });

  it('transient retries stop at maxAttemptsPerAccount and maxAttemptsPerRequest', async () => {
    const current = await start({ accounts: socialAccounts(5), credentialFields: [] });
    const delays = recordBackoff(current);
    current.sim.enqueueScript({ httpError: 'service-unavailable' }, { times: 'forever' });
    const response = await postMessage(current, 'everything fails');
    expect(response.status).toBe(502);
    expect(response.json).toMatchObject({ type: 'error', error: { type: 'api_error' } });
    expect(current.sim.stats.chatRequests).toBe(9);
    for (const count of Object.values(chatCounts(current))) expect(count).toBeLessThanOrEqual(3);
    expect(Object.keys(chatCounts(current))).toHaveLength(5);
    // A wait between attempts, none after the last: 200, 400, 800, 1600, then capped at 2000 (plus ≤ 25 % jitter).
    expect(delays).toHaveLength(8);
    delays.forEach((delay, index) => {
      const base = Math.min(2000, 200 * 2 ** index);
      expect(delay).toBeGreaterThanOrEqual(base);
      expect(delay).toBeLessThanOrEqual(base * 1.25);
    });
    // One request's retries are a burst: nobody is rested for it.
    for (const candidate of current.gateway.services.pool.list())
      expect(candidate.status.kind).toBe('active');
  });

  it('a single account: 3 attempts, then the error', async () => {
    const current = await start({ accounts: socialAccounts(1), credentialFields: [] });
    const delays = recordBackoff(current);
    current.sim.enqueueScript({ httpError: 'high-load' }, { times: 'forever' });
    const response = await postMessage(current, 'overloaded');
    expect(response.status).toBe(529);
    expect(response.json).toMatchObject({ error: { type: 'overloaded_error' } });
    expect(current.sim.stats.chatRequests).toBe(3);
    expect(delays).toHaveLength(2);
  });
});

describe('failover', () => {
  it.each([
    ['throttling', 'cooling'],
    ['monthly-limit', 'disabled'],
    ['suspended', 'disabled'],
    ['bad-gateway', 'active'],
  ] as const)('account 1 answers %s: account 2 completes the request (200)', async (preset, kind) => {
    const current = await start();
    recordBackoff(current);
    current.sim.enqueueScript({ httpError: preset }, { accountId: simId(1) });
    const message = await current.anthropic.messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'fail over please' }],
    });
    expect(message.content[0]).toMatchObject({ type: 'text' });
    expect(chatCounts(current)).toEqual({ [simId(1)]: 1, [simId(2)]: 1 });
    expect(entry(current, 1).status.kind).toBe(kind);
    expect(entry(current, 2).counters).toMatchObject({ requests: 1, successes: 1, failures: 0 });
  });

  it('no failover once content went out: a mid-stream exception ends the SSE with an error', async () => {
    const current = await start();
    current.sim.enqueueScript(
      {
        steps: [
          { type: 'text', text: 'partial answer' },
          { type: 'exception', exceptionType: 'InternalServerException', message: 'boom' },
        ],
      },
      { accountId: simId(1) },
    );
    const response = await postMessage(current, 'stream me', { stream: true });
    expect(response.status).toBe(200);
    const types = response.events.map((event) => event.event);
    expect(types[0]).toBe('message_start');
    expect(types).toContain('error');
    expect(types.at(-1)).toBe('error');
    expect(chatCounts(current)).toEqual({ [simId(1)]: 1 });
    expect(current.sim.stats.chatRequests).toBe(1);
  });

  it('no failover once content went out: a connection dropped mid-stream', async () => {
    const current = await start();
    // The pause lets the text reach the gateway first: a reset can discard bytes not yet read, and
    // a stream that fails before any content is retried (issue 15).
    current.sim.enqueueScript(
      {
        steps: [
          { type: 'text', text: 'partial' },
          { type: 'delay', ms: 50 },
          { type: 'truncate', close: 'destroy' },
        ],
      },
      { accountId: simId(1) },
    );
    const response = await postMessage(current, 'stream me', { stream: true });
    expect(response.events.some((event) => JSON.stringify(event.data).includes('partial'))).toBe(true);
    expect(response.events.at(-1)?.event).toBe('error');
    expect(current.sim.stats.chatRequests).toBe(1);
  });
});
