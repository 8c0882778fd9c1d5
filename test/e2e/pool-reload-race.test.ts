// Issue 14 §1, "nothing is lost": a refresh in flight while the user replaces the refresh token of that entry
// in credentials.json must not write the old account's rotated token over the user's new one. The
// simulator holds the refresh answer, so the edit lands deterministically while the refresh runs.
import { afterEach, describe, expect, it } from 'vitest';
import type { Stack } from '../helpers/start-stack.js';
import { startStack } from '../helpers/start-stack.js';
import { createMemoryLogger } from '../helpers/memory-logger.js';
import type { MemoryLogger } from '../helpers/memory-logger.js';
import {
  chatCounts,
  editCredentials,
  entry,
  eventually,
  postMessage,
  readCredentialEntries,
  simId,
  socialAccounts,
} from '../helpers/pool-harness.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

/** One social account whose refresh token rotates, listed in credentials.json without an access token. */
async function startRotating(): Promise<{ running: Stack; logs: MemoryLogger }> {
  const logs = createMemoryLogger('info');
  stack = await startStack({
    viaRunGateway: true,
    accounts: socialAccounts(1, { rotateSocialRefreshTokens: true }),
    config: { logLevel: 'info' },
    logger: logs.logger,
  });
  return { running: stack, logs };
}

describe('hand edits racing the token write-back', () => {
  it('keeps the user’s new refresh token; the new account serves the next request', async () => {
    const { running, logs } = await startRotating();
    const replacement = running.sim.addAccount({ id: simId(2), authMethod: 'social' });
    const oldToken = running.accounts[0]?.refreshToken;

    // The file holds no access token: the first request refreshes account 1, and the answer is held.
    const hold = running.sim.holdRefresh(simId(1));
    const first = postMessage(running, 'refreshes account 1');
    await hold.arrived;
    await editCredentials(running, (entries) =>
      entries.map((item) => (item.id === 1 ? { ...item, refreshToken: replacement.refreshToken } : item)),
    );
    await eventually(() => expect(entry(running, 1).tokens.refreshToken).toBe(replacement.refreshToken));
    hold.release();
    // The write-back of the rotated token finishes before the request that waited for it is answered.
    expect((await first).status).toBe(200);

    const [stored] = await readCredentialEntries(running);
    expect(stored?.refreshToken).toBe(replacement.refreshToken);
    expect(stored?.refreshToken).not.toBe(oldToken);
    expect(logs.records().map((record) => record.msg)).toContain(
      'credential 1 now holds another refresh token (edited by hand): left as is; the refreshed tokens of the account it held before are dropped (that account is no longer in the file)',
    );

    running.sim.resetStats();
    expect((await postMessage(running, 'served by the new account')).status).toBe(200);
    expect(chatCounts(running)).toEqual({ [simId(2)]: 1 });
    expect((await readCredentialEntries(running))[0]?.refreshToken).toBe(replacement.refreshToken);
  });

  it('an editor saving a copy older than the write-back gets the current token written back, edit kept', async () => {
    const { running, logs } = await startRotating();
    const olderBuffer = await readCredentialEntries(running);
    expect((await postMessage(running, 'refreshes and rotates')).status).toBe(200);
    const current = entry(running, 1).tokens.refreshToken;
    expect(current).not.toBe(olderBuffer[0]?.refreshToken);
    expect((await readCredentialEntries(running))[0]?.refreshToken).toBe(current);

    await editCredentials(running, () => olderBuffer.map((item) => ({ ...item, note: 'saved later' })));
    await eventually(async () =>
      expect((await readCredentialEntries(running))[0]).toMatchObject({
        refreshToken: current,
        note: 'saved later',
      }),
    );
    expect(logs.records().map((record) => record.msg)).toContain(
      'credential 1 holds a refresh token it was rotated away from (an older copy saved?); writing the current one back',
    );
    running.sim.resetStats();
    expect((await postMessage(running, 'still account 1')).status).toBe(200);
    expect(chatCounts(running)).toEqual({ [simId(1)]: 1 });
  });
});
