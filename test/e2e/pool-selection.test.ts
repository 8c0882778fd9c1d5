// Issue 4, items 1–2: every loadBalancingMode distributes 200 concurrent requests over 5 accounts
// as documented, and sticky sessions keep (and leave) their account.
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/shared/clock.js';
import type { Stack, StackOptions } from '../helpers/start-stack.js';
import { startStack } from '../helpers/start-stack.js';
import {
  burst,
  chatCounts,
  entry,
  postMessage,
  refreshAllUsage,
  seededRandom,
  simId,
  socialAccounts,
} from '../helpers/pool-harness.js';

const ACCOUNTS = 5;
const REQUESTS = 200;

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function start(mode: string, options: StackOptions = {}): Promise<Stack> {
  stack = await startStack({
    accounts: socialAccounts(ACCOUNTS),
    clock: new ManualClock(),
    ...options,
    config: { loadBalancingMode: mode, ...options.config },
  });
  return stack;
}

/** Requests per gateway account id, from the gateway's own counters. */
function poolCounts(current: Stack): number[] {
  return [1, 2, 3, 4, 5].map((id) => entry(current, id).counters.requests);
}

/** Requests per account as the simulator saw them, in gateway id order. */
function simCounts(current: Stack): number[] {
  const counts = chatCounts(current);
  return [1, 2, 3, 4, 5].map((id) => counts[simId(id)] ?? 0);
}

describe('load balancing: 200 concurrent requests over 5 accounts', () => {
  it('priority: every request on the lowest priority number', async () => {
    const current = await start('priority', {
      credentialFields: [{ priority: 3 }, { priority: 1 }, { priority: 0 }, { priority: 2 }, { priority: 4 }],
    });
    const statuses = await burst(current, REQUESTS);
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(simCounts(current)).toEqual([0, 0, REQUESTS, 0, 0]);
    expect(poolCounts(current)).toEqual([0, 0, REQUESTS, 0, 0]);
  });

  it('balanced: least used, so the split is even', async () => {
    const current = await start('balanced');
    const statuses = await burst(current, REQUESTS);
    expect(statuses.every((status) => status === 200)).toBe(true);
    for (const count of simCounts(current))
      expect(Math.abs(count - REQUESTS / ACCOUNTS)).toBeLessThanOrEqual(2);
  });

  it('round-robin: exactly 40 each', async () => {
    const current = await start('round-robin');
    await burst(current, REQUESTS);
    expect(simCounts(current)).toEqual([40, 40, 40, 40, 40]);
    expect(poolCounts(current)).toEqual([40, 40, 40, 40, 40]);
  });

  it('random: every account used, roughly uniform (seeded draw)', async () => {
    const current = await start('random', { random: seededRandom(42) });
    const statuses = await burst(current, REQUESTS);
    expect(statuses.every((status) => status === 200)).toBe(true);
    const counts = simCounts(current);
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(REQUESTS);
    // 200 draws over 5: mean 40, σ ≈ 5.7; ±18 is more than 3σ (and the seed makes it deterministic).
    for (const count of counts) expect(count).toBeGreaterThanOrEqual(22);
    for (const count of counts) expect(count).toBeLessThanOrEqual(58);
  });

  it('quota (and its alias auto): the account with the most remaining credits', async () => {
    for (const mode of ['quota', 'auto']) {
      const current = await start(mode);
      // PRO = 1000 credits; remaining: 100, 800, 950, 500, 300.
      for (const [id, used] of [
        [1, 900],
        [2, 200],
        [3, 50],
        [4, 500],
        [5, 700],
      ] as const)
        current.sim.updateAccount(simId(id), { currentUsage: used });
      await refreshAllUsage(current);
      expect(entry(current, 3).usage).toMatchObject({ limit: 1000, used: 50, remaining: 950 });
      await burst(current, REQUESTS);
      expect(simCounts(current)).toEqual([0, 0, REQUESTS, 0, 0]);
      await current.close();
      stack = undefined;
    }
  });

  it('quota: the live balance (snapshot minus metered credits) decides, so a draining account hands over', async () => {
    // Every request costs exactly 1 credit; account 2 starts 2 credits ahead of account 1.
    const current = await start('quota', { accounts: socialAccounts(2), simulator: { metering: () => 1 } });
    current.sim.updateAccount(simId(1), { currentUsage: 500 });
    current.sim.updateAccount(simId(2), { currentUsage: 498 });
    await refreshAllUsage(current);
    for (let index = 0; index < 6; index++) await postMessage(current, `drain ${index}`);
    // 502 → 500 on account 2, then both at 500: they alternate, fewest requests first.
    expect(chatCounts(current)).toEqual({ [simId(1)]: 2, [simId(2)]: 4 });
    expect(entry(current, 2).creditsSinceSnapshot).toBe(4);
  });
});

describe('sticky sessions', () => {
  const session = (index: number) => `0b6f4c36-9b8e-4f0e-a1c2-00000000000${index}`;

  it('the same session keeps its account while healthy', async () => {
    const current = await start('sticky');
    for (let index = 0; index < 8; index++) {
      expect((await postMessage(current, `turn ${index}`, { session: session(1) })).status).toBe(200);
    }
    expect(Object.values(chatCounts(current))).toEqual([8]);
  });

  it('moves when its account becomes unavailable, then stays on the new one', async () => {
    const clock = new ManualClock();
    const current = await start('sticky+round-robin', { clock });
    await postMessage(current, 'first', { session: session(1) });
    const [first] = Object.keys(chatCounts(current));
    expect(first).toBe(simId(1));
    current.sim.updateAccount(simId(1), { throttled: { retryAfterSeconds: 600 } });
    expect((await postMessage(current, 'second', { session: session(1) })).status).toBe(200);
    expect(entry(current, 1).status.kind).toBe('cooling');
    current.sim.resetStats();
    for (let index = 0; index < 4; index++)
      await postMessage(current, `again ${index}`, { session: session(1) });
    expect(chatCounts(current)).toEqual({ [simId(2)]: 4 });
  });

  it('different sessions spread over the accounts, repeat visits included', async () => {
    for (const mode of ['sticky', 'sticky+round-robin']) {
      const current = await start(mode);
      const seen = new Map<string, string>();
      // Interleave new sessions with returning ones: 1, 2, 1, 3, 2, 4, 1, 5.
      for (const index of [1, 2, 1, 3, 2, 4, 1, 5]) {
        current.sim.resetStats();
        expect((await postMessage(current, `hi ${index}`, { session: session(index) })).status).toBe(200);
        const [account] = Object.keys(chatCounts(current));
        if (seen.has(session(index))) expect(account).toBe(seen.get(session(index)));
        seen.set(session(index), account!);
      }
      expect(new Set(seen.values()).size).toBe(5);
      await current.close();
      stack = undefined;
    }
  });

  it('a config change to a non-sticky mode stops the affinity', async () => {
    const current = await start('sticky+round-robin');
    await postMessage(current, 'a', { session: session(1) });
    current.gateway.services.pool.setPolicy({ mode: 'round-robin', sticky: false });
    current.sim.resetStats();
    await postMessage(current, 'b', { session: session(1) });
    await postMessage(current, 'c', { session: session(1) });
    expect(Object.keys(chatCounts(current))).toHaveLength(2);
  });
});
