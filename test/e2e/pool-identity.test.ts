// Issue 14 §1: runtime state (status, counters, usage snapshot) follows the account, not its slot in
// credentials.json. A new secret in an entry is a new account; rotations kirogate performs and entries
// moved around in the file keep their own state. Every case runs across a restart and a hot reload.
import { afterEach, describe, expect, it } from 'vitest';
import type { Stack, StackOptions } from '../helpers/start-stack.js';
import { startStack } from '../helpers/start-stack.js';
import type { MemoryLogger } from '../helpers/memory-logger.js';
import { createMemoryLogger } from '../helpers/memory-logger.js';
import type { FileEntry } from '../helpers/pool-harness.js';
import {
  chatCounts,
  editCredentials,
  entry,
  eventually,
  postMessage,
  readCredentialEntries,
  simId,
  socialAccounts,
  warmUp,
} from '../helpers/pool-harness.js';

const stacks: Stack[] = [];
let logs: MemoryLogger;
afterEach(async () => {
  for (const stack of stacks.splice(0).reverse()) await stack.close();
});

async function start(options: StackOptions): Promise<Stack> {
  logs = createMemoryLogger('info');
  const stack = await startStack({
    viaRunGateway: true,
    logger: logs.logger,
    ...options,
    config: { loadBalancingMode: 'priority', logLevel: 'info', ...options.config },
  });
  stacks.push(stack);
  await warmUp(stack);
  return stack;
}

type Change = (entries: FileEntry[]) => FileEntry[];

/** How an edit of credentials.json reaches the gateway; `applied` says when a hot reload has landed. */
type Apply = (stack: Stack, change: Change, applied: (stack: Stack) => void) => Promise<Stack>;

const restart: Apply = async (stack, change) => {
  await stack.closeGateway();
  await editCredentials(stack, change);
  const restarted = await stack.restartGateway();
  stacks.push(restarted);
  return restarted;
};

const hotReload: Apply = async (stack, change, applied) => {
  await editCredentials(stack, change);
  await eventually(() => applied(stack));
  return stack;
};

const modes = [
  { mode: 'restart', apply: restart },
  { mode: 'hot reload', apply: hotReload },
];

/** What a user does after logging in again: only `refreshToken` changes; the old access token stays. */
const withRefreshToken = (id: number, refreshToken: string | undefined): Change => {
  return (entries) => entries.map((item) => (item.id === id ? { ...item, refreshToken } : item));
};

const holds = (id: number, refreshToken: string | undefined) => (stack: Stack) =>
  expect(entry(stack, id).tokens.refreshToken).toBe(refreshToken);

const freshLines = () =>
  logs
    .records()
    .filter((record) => record.msg === 'credential 1 has a new refresh token; starting with fresh state');

async function exhaustQuota(stack: Stack, id: number): Promise<void> {
  stack.sim.updateAccount(simId(id), { quotaExhausted: true });
  await postMessage(stack, 'spends the last credit');
  expect(entry(stack, id).status).toMatchObject({ kind: 'disabled', reason: 'quota_exhausted' });
  // the 402 fetches usage limits in the background: the account now has a plan and a snapshot
  await eventually(() => expect(entry(stack, id).usage).toBeDefined());
}

describe.each(modes)('state follows the account across a $mode', ({ apply }) => {
  it('a revoked account given a fresh refresh token in the same entry comes back active and serves', async () => {
    let stack = await start({ accounts: socialAccounts(1) });
    expect((await postMessage(stack, 'works')).status).toBe(200);
    stack.sim.updateAccount(simId(1), { revoked: true });
    expect((await postMessage(stack, 'revoked')).status).not.toBe(200);
    expect(entry(stack, 1).status).toMatchObject({ kind: 'disabled', reason: 'invalid_refresh_token' });

    const fresh = stack.sim.addAccount({ id: 'new-login', authMethod: 'social' });
    stack = await apply(stack, withRefreshToken(1, fresh.refreshToken), holds(1, fresh.refreshToken));
    expect(entry(stack, 1).status).toEqual({ kind: 'active' });
    expect(entry(stack, 1).counters).toMatchObject({ requests: 0, failures: 0 });
    stack.sim.resetStats();
    expect((await postMessage(stack, 'the new login')).status).toBe(200);
    expect(chatCounts(stack)).toEqual({ 'new-login': 1 });
    expect(freshLines()).toHaveLength(1);
  });

  it('a new login over an account out of quota serves at once, not with the old access token left in the entry', async () => {
    let stack = await start({ accounts: socialAccounts(1) });
    await exhaustQuota(stack, 1);
    expect((await readCredentialEntries(stack))[0]!.accessToken).toBe(
      stack.sim.account(simId(1)).accessToken,
    );

    const fresh = stack.sim.addAccount({ id: 'new-login', authMethod: 'social' });
    stack = await apply(stack, withRefreshToken(1, fresh.refreshToken), holds(1, fresh.refreshToken));
    expect(entry(stack, 1).status).toEqual({ kind: 'active' });
    expect(entry(stack, 1).usage).toBeUndefined();
    stack.sim.resetStats();
    expect((await postMessage(stack, 'the new login')).status).toBe(200);
    expect(chatCounts(stack)).toEqual({ 'new-login': 1 });
  });

  it('an entry deleted and a new one pasted without id starts fresh: no quota_exhausted, no plan', async () => {
    let stack = await start({ accounts: socialAccounts(1) });
    await exhaustQuota(stack, 1);

    const pasted = stack.sim.addAccount({ id: 'pasted', authMethod: 'social' });
    stack = await apply(
      stack,
      () => [{ refreshToken: pasted.refreshToken, authMethod: 'social' }],
      holds(1, pasted.refreshToken),
    );
    const current = entry(stack, 1);
    expect(current.status).toEqual({ kind: 'active' });
    expect(current.usage).toBeUndefined();
    expect(current.counters.requests).toBe(0);
    stack.sim.resetStats();
    expect((await postMessage(stack, 'the pasted account')).status).toBe(200);
    expect(chatCounts(stack)).toEqual({ pasted: 1 });
    expect((await readCredentialEntries(stack)).map((item) => item.id)).toEqual([1]);
  });

  it('two entries swapped in the file keep their own states', async () => {
    let stack = await start({ accounts: socialAccounts(2) });
    await exhaustQuota(stack, 1);
    for (let index = 0; index < 3; index++) await postMessage(stack, `on account 2, ${index}`);
    const one = structuredClone({ status: entry(stack, 1).status, usage: entry(stack, 1).usage });
    const two = structuredClone({ status: entry(stack, 2).status, counters: entry(stack, 2).counters });
    expect(two.counters.successes).toBe(4);

    const swap: Change = ([first, second]) => [
      { ...second, id: first!.id },
      { ...first, id: second!.id },
    ];
    stack = await apply(stack, swap, holds(1, stack.sim.account(simId(2)).refreshToken));
    expect({ status: entry(stack, 2).status, usage: entry(stack, 2).usage }).toEqual(one);
    expect({ status: entry(stack, 1).status, counters: entry(stack, 1).counters }).toEqual(two);
    stack.sim.resetStats();
    expect((await postMessage(stack, 'served by account 2, now at id 1')).status).toBe(200);
    expect(chatCounts(stack)).toEqual({ [simId(2)]: 1 });
  });
});

describe('rotations kirogate performs', () => {
  it('keep the state across the reload of their write-back and a restart (IdC, rotating social)', async () => {
    let stack = await start({
      accounts: [
        { id: simId(1), authMethod: 'idc' },
        { id: simId(2), authMethod: 'social', rotateSocialRefreshTokens: true },
      ],
      config: { loadBalancingMode: 'round-robin' },
    });
    const objects = [entry(stack, 1), entry(stack, 2)];
    for (let index = 0; index < 4; index++)
      expect((await postMessage(stack, `round ${index}`)).status).toBe(200);
    // the hot reload of kirogate's own write-backs keeps both accounts as they are
    await eventually(() =>
      expect(logs.records().some((record) => record.msg === 'credentials reloaded')).toBe(true),
    );
    expect(entry(stack, 1)).toBe(objects[0]);
    expect(entry(stack, 2)).toBe(objects[1]);
    expect(objects.map((item) => item.counters.successes)).toEqual([2, 2]);
    stack.sim.updateAccount(simId(2), { throttled: { retryAfterSeconds: 3600 } });
    await postMessage(stack, 'account 2 cools down');
    await postMessage(stack, 'account 2 cools down');
    expect(entry(stack, 2).status.kind).toBe('cooling');
    const rotated = (await readCredentialEntries(stack)).map((item) => item.refreshToken);
    expect(rotated).toEqual([1, 2].map((id) => stack.sim.account(simId(id)).refreshToken));
    rotated.forEach((token, index) => expect(token).not.toBe(stack.accounts[index]!.refreshToken));
    const before = [1, 2].map((id) =>
      structuredClone({ ...entry(stack, id).counters, status: entry(stack, id).status }),
    );

    stack = await restart(
      stack,
      (entries) => entries,
      () => undefined,
    );
    expect([1, 2].map((id) => ({ ...entry(stack, id).counters, status: entry(stack, id).status }))).toEqual(
      before,
    );
    expect(logs.records().some((record) => String(record.msg).includes('starting with fresh state'))).toBe(
      false,
    );
  });
});
