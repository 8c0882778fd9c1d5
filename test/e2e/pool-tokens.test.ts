// Issue 4, item 8: concurrent demands on an expired or revoked token make exactly one refresh per
// account, and every refreshed token is written back without losing an account.
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/shared/clock.js';
import type { SimAuthMethod } from '../../src/simulator/sim-account.js';
import type { Stack } from '../helpers/start-stack.js';
import { startStack } from '../helpers/start-stack.js';
import { burst, chatCounts, entry, simId, socialAccounts, warmUp } from '../helpers/pool-harness.js';

const ONE_EACH = Object.fromEntries([1, 2, 3, 4, 5].map((id) => [simId(id), 1]));
let stack: Stack | undefined;
let clock: ManualClock;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function start(authMethod: SimAuthMethod): Promise<Stack> {
  clock = new ManualClock();
  stack = await startStack({
    accounts: socialAccounts(5, { authMethod }),
    clock,
    config: { loadBalancingMode: 'round-robin' },
  });
  return stack;
}

async function fileEntries(current: Stack): Promise<Record<string, unknown>[]> {
  return JSON.parse(await readFile(current.credentialsPath, 'utf8')) as Record<string, unknown>[];
}

describe('one refresh per account under concurrency', () => {
  it('first use: 50 concurrent requests over 5 accounts with no access token yet', async () => {
    const current = await start('social');
    const statuses = await burst(current, 50);
    expect(statuses).toEqual(Array(50).fill(200));
    expect(current.sim.stats.refreshCalls.byAccount).toEqual(ONE_EACH);
    expect(Object.values(chatCounts(current))).toEqual([10, 10, 10, 10, 10]);
  });

  it('tokens expired on the shared clock: 50 concurrent requests, one refresh each', async () => {
    const current = await start('social');
    await warmUp(current);
    current.sim.resetStats();
    clock.advance(3600_000);
    const statuses = await burst(current, 50);
    expect(statuses).toEqual(Array(50).fill(200));
    expect(current.sim.stats.refreshCalls.byAccount).toEqual(ONE_EACH);
    expect(current.sim.stats.refreshCalls.failed).toBe(0);
  });

  it('tokens revoked upstream while the gateway thinks them fresh: 403s collapse into one forced refresh', async () => {
    const current = await start('social');
    await warmUp(current);
    current.sim.resetStats();
    for (let id = 1; id <= 5; id++) current.sim.updateAccount(simId(id), { expireAccessTokens: true });
    const statuses = await burst(current, 50);
    expect(statuses).toEqual(Array(50).fill(200));
    expect(current.sim.stats.refreshCalls.byAccount).toEqual(ONE_EACH);
    for (let id = 1; id <= 5; id++) expect(entry(current, id).status).toEqual({ kind: 'active' });
  });

  it('IdC (single-use rotating refresh tokens): one refresh each, every rotated token written back', async () => {
    const current = await start('idc');
    await warmUp(current);
    clock.advance(3600_000);
    current.sim.resetStats();
    const statuses = await burst(current, 50);
    expect(statuses).toEqual(Array(50).fill(200));
    // A second refresh with a rotated-away token would have failed with invalid_grant.
    expect(current.sim.stats.refreshCalls).toMatchObject({ idc: 5, failed: 0, byAccount: ONE_EACH });
    const entries = await fileEntries(current);
    expect(entries).toHaveLength(5);
    for (let id = 1; id <= 5; id++) {
      const written = entries.find((candidate) => candidate.id === id);
      expect(written?.refreshToken).toBe(current.sim.account(simId(id)).refreshToken);
    }
  });
});
