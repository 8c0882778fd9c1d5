// Issue 4, items 6–7 (and the usage part of 12): monthly quota disables an account until the reset
// and re-enables it by itself when the (injected) clock passes it; free plans never get Opus.
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/shared/clock.js';
import type { Stack, StackOptions } from '../helpers/start-stack.js';
import { startStack } from '../helpers/start-stack.js';
import {
  OPUS,
  SONNET,
  chatCounts,
  entry,
  eventually,
  postMessage,
  refreshAllUsage,
  simId,
  socialAccounts,
  warmUp,
} from '../helpers/pool-harness.js';

const START = Date.UTC(2026, 0, 10, 12);
const RESET = Date.UTC(2026, 1, 1);
let stack: Stack | undefined;
let clock: ManualClock;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function start(options: StackOptions): Promise<Stack> {
  clock = new ManualClock(START);
  stack = await startStack({
    clock,
    credentialFields: [{ priority: 0 }, { priority: 1 }],
    ...options,
    config: { loadBalancingMode: 'priority', ...options.config },
  });
  await warmUp(stack);
  stack.sim.resetStats();
  return stack;
}

describe('monthly quota', () => {
  it('402 disables until the reset; the clock passing the reset re-enables the account by itself', async () => {
    // Account 1 has 1 credit and every request costs 0.5: two requests spend it.
    const current = await start({
      accounts: [{ ...socialAccounts(1)[0]!, usageLimit: 1 }, socialAccounts(2)[1]!],
      simulator: { metering: () => 0.5 },
    });
    expect((await postMessage(current, 'one')).status).toBe(200);
    expect((await postMessage(current, 'two')).status).toBe(200);
    expect(entry(current, 1).counters.credits).toBe(1);
    expect((await postMessage(current, 'three')).status).toBe(200);
    expect(chatCounts(current)).toEqual({ [simId(1)]: 3, [simId(2)]: 1 });
    expect(entry(current, 1).status).toMatchObject({
      kind: 'disabled',
      reason: 'quota_exhausted',
      until: RESET,
    });
    // The 402 triggers a usage lookup in the background: the snapshot shows the spent quota and the reset.
    await eventually(() =>
      expect(entry(current, 1).usage).toMatchObject({ remaining: 0, nextResetAt: RESET }),
    );
    expect(current.sim.stats.usageLimitCalls).toBe(1);

    // Still disabled a second before the reset.
    clock.set(RESET - 1000);
    current.sim.resetStats();
    await postMessage(current, 'before reset');
    expect(chatCounts(current)).toEqual({ [simId(2)]: 1 });

    // The month turns over (upstream resets the account's usage); no usage refresh needed.
    clock.set(RESET + 1000);
    current.sim.updateAccount(simId(1), { currentUsage: 0 });
    current.sim.resetStats();
    const response = await postMessage(current, 'after reset');
    expect(response.status).toBe(200);
    expect(chatCounts(current)).toEqual({ [simId(1)]: 1 });
    expect(entry(current, 1).status).toEqual({ kind: 'active' });
    expect(current.sim.stats.usageLimitCalls).toBe(0);
  });

  it('the reset date comes from the usage snapshot, and a fresh lookup after the 402 corrects it', async () => {
    const current = await start({ accounts: socialAccounts(2) });
    await refreshAllUsage(current);
    // Pretend the known snapshot announced an earlier reset (e.g. a billing cycle).
    const cycle = START + 3 * 86_400_000;
    entry(current, 1).usage = { ...entry(current, 1).usage!, nextResetAt: cycle };
    current.sim.updateAccount(simId(1), { quotaExhausted: true });
    const lookups: number[] = [];
    current.gateway.services.dispatch.onQuotaExhausted = (exhausted) => lookups.push(exhausted.id);
    await postMessage(current, 'over');
    expect(entry(current, 1).status).toMatchObject({
      kind: 'disabled',
      reason: 'quota_exhausted',
      until: cycle,
    });
    expect(lookups).toEqual([1]);
    // What the gateway does on a 402: look usage up again; upstream's answer is authoritative.
    await current.gateway.services.accounts.refreshUsage(entry(current, 1));
    expect(entry(current, 1).status).toMatchObject({
      kind: 'disabled',
      reason: 'quota_exhausted',
      until: RESET,
    });
  });

  it('a usage snapshot from before a reset does not leave a 402 disabled forever', async () => {
    const current = await start({ accounts: socialAccounts(2) });
    await refreshAllUsage(current);
    expect(entry(current, 1).usage?.nextResetAt).toBe(RESET);
    // A month later, without a fresh snapshot, account 1 runs out again.
    clock.set(RESET + 10 * 86_400_000);
    current.sim.updateAccount(simId(1), { quotaExhausted: true });
    // Without the background usage lookup (it could fail too), the fallback is the next calendar month.
    current.gateway.services.dispatch.onQuotaExhausted = () => undefined;
    await postMessage(current, 'over again');
    const status = entry(current, 1).status;
    expect(status.kind === 'disabled' && status.until).toBe(Date.UTC(2026, 2, 1));
  });

  it('getUsageLimits feeds tier, credits, bonus, reset and email per account', async () => {
    const current = await start({
      accounts: [
        {
          ...socialAccounts(1)[0]!,
          tier: 'PRO_PLUS',
          email: 'dev@example.com',
          currentUsage: 150.5,
          bonuses: [{ bonusCode: 'WELCOME', usageLimit: 100, currentUsage: 20 }],
        },
        socialAccounts(2)[1]!,
      ],
    });
    const snapshot = await current.gateway.services.accounts.refreshUsage(entry(current, 1));
    expect(snapshot).toMatchObject({
      subscriptionTitle: 'KIRO PRO+',
      limit: 2100,
      used: 170.5,
      remaining: 1929.5,
      bonusRemaining: 80,
      nextResetAt: RESET,
    });
    expect(entry(current, 1).usage).toEqual(snapshot);
  });

  it('usage is fetched on demand only by default, and on a timer with usageRefreshIntervalSeconds', async () => {
    const idle = await start({ accounts: socialAccounts(2) });
    await postMessage(idle, 'no polling');
    expect(idle.sim.stats.usageLimitCalls).toBe(0);
    await idle.close();
    const polling = await start({ accounts: socialAccounts(2), config: { usageRefreshIntervalSeconds: 1 } });
    await eventually(() => {
      for (const id of [1, 2])
        expect(entry(polling, id).usage).toMatchObject({ limit: 1000, nextResetAt: RESET });
    }, 5000);
  });
});

describe('free plans and Opus', () => {
  const freeFirst = (): StackOptions => ({
    accounts: [{ ...socialAccounts(1)[0]!, tier: 'FREE' }, socialAccounts(2)[1]!],
  });

  it('tier known from usage limits: Opus skips the free account, Sonnet may use it', async () => {
    const current = await start(freeFirst());
    await refreshAllUsage(current);
    expect(entry(current, 1).usage?.subscriptionTitle).toBe('KIRO FREE');
    expect((await postMessage(current, 'opus', { model: OPUS })).status).toBe(200);
    expect((await postMessage(current, 'sonnet', { model: SONNET })).status).toBe(200);
    expect(chatCounts(current)).toEqual({ [simId(1)]: 1, [simId(2)]: 1 });
    // The free account never even saw the Opus request (no FEATURE_NOT_SUPPORTED round trip).
    expect(current.sim.stats.requests.some((request) => request.rejectedBy === 'feature-not-supported')).toBe(
      false,
    );
  });

  it('tier known from subscriptionTitle in credentials.json', async () => {
    const current = await start({
      ...freeFirst(),
      credentialFields: [{ priority: 0, subscriptionTitle: 'KIRO FREE' }, { priority: 1 }],
    });
    await postMessage(current, 'opus', { model: OPUS });
    expect(chatCounts(current)).toEqual({ [simId(2)]: 1 });
  });

  it('tier unknown: the FEATURE_NOT_SUPPORTED refusal fails over without penalty and is remembered', async () => {
    const current = await start(freeFirst());
    expect((await postMessage(current, 'opus 1', { model: OPUS })).status).toBe(200);
    expect(chatCounts(current)).toEqual({ [simId(1)]: 1, [simId(2)]: 1 });
    expect(entry(current, 1).status).toEqual({ kind: 'active' });
    current.sim.resetStats();
    await postMessage(current, 'opus 2', { model: OPUS });
    await postMessage(current, 'sonnet', { model: SONNET });
    expect(chatCounts(current)).toEqual({ [simId(1)]: 1, [simId(2)]: 1 });
  });

  it('only free accounts and Opus: 403 permission_error at once, no upstream call', async () => {
    const current = await start({ accounts: socialAccounts(2, { tier: 'FREE' }) });
    await refreshAllUsage(current);
    const response = await postMessage(current, 'opus', { model: OPUS });
    expect(response.status).toBe(403);
    expect(response.json).toMatchObject({ error: { type: 'permission_error' } });
    expect((response.json as { error: { message: string } }).error.message).toContain('free plans');
    expect(current.sim.stats.chatRequests).toBe(0);
    expect((await postMessage(current, 'sonnet', { model: SONNET })).status).toBe(200);
  });
});
