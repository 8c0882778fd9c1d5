// Token refresh against the simulator over real HTTP (§6.1, §6.2, §6.4): write-back, rotation, single flight,
// invalid_grant, refresh ahead of expiry.
import { readFile, readdir } from 'node:fs/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/shared/clock.js';
import { createMemoryLogger } from '../helpers/memory-logger.js';
import type { Stack, StackOptions } from '../helpers/start-stack.js';
import { startStack } from '../helpers/start-stack.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function start(options: StackOptions): Promise<Stack> {
  stack = await startStack(options);
  return stack;
}

function ask(target: Stack, text = 'hello') {
  return target.anthropic.messages.create({
    model: 'claude-sonnet-4-6',
    max_tokens: 20,
    messages: [{ role: 'user', content: text }],
  });
}

async function readJson(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, 'utf8')) as unknown;
}

async function credentialsFile(target: Stack): Promise<Record<string, unknown>[]> {
  const content = await readJson(target.credentialsPath);
  return Array.isArray(content)
    ? (content as Record<string, unknown>[])
    : [content as Record<string, unknown>];
}

describe('social refresh', () => {
  it('refreshes on first use and writes the tokens back at once (RFC 3339 expiresAt, profileArn)', async () => {
    const clock = new ManualClock();
    const target = await start({ clock, accounts: [{ id: 'social', authMethod: 'social' }] });
    const refreshToken = target.accounts[0]!.refreshToken;
    await ask(target);
    expect(target.sim.stats.refreshCalls).toMatchObject({ social: 1, idc: 0, failed: 0 });
    const [entry] = await credentialsFile(target);
    const account = target.sim.account('social');
    expect(entry).toMatchObject({
      refreshToken,
      accessToken: account.accessToken,
      expiresAt: new Date(clock.now() + 3600_000).toISOString(),
      profileArn: account.profileArn,
      authMethod: 'social',
    });
  });
});

describe('IdC refresh with rotation', () => {
  it('persists each rotated refresh token at once; the next refresh uses it; the old one is dead', async () => {
    const target = await start({ accounts: [{ id: 'idc', authMethod: 'idc' }] });
    const original = target.accounts[0]!.refreshToken!;
    await ask(target);
    const afterFirst = target.sim.account('idc').refreshToken!;
    expect(afterFirst).not.toBe(original);
    expect((await credentialsFile(target))[0]!.refreshToken).toBe(afterFirst);

    // the upstream revokes the access token: the gateway must refresh with the rotated token
    target.sim.updateAccount('idc', { invalidateAccessTokens: true });
    await ask(target, 'again');
    const afterSecond = target.sim.account('idc').refreshToken!;
    expect(afterSecond).not.toBe(afterFirst);
    expect((await credentialsFile(target))[0]!.refreshToken).toBe(afterSecond);
    expect(target.sim.stats.refreshCalls).toMatchObject({ idc: 2, failed: 0 });

    // replaying a rotated-away token is invalid_grant (what a lost write-back would cause)
    const replay = await fetch(`${target.sim.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        clientId: target.accounts[0]!.clientId,
        clientSecret: target.accounts[0]!.clientSecret,
        refreshToken: original,
        grantType: 'refresh_token',
      }),
    });
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('its own write-back, picked up by the hot reload, does not roll the rotated token back', async () => {
    const memory = createMemoryLogger('info');
    const target = await start({
      accounts: [{ id: 'idc', authMethod: 'idc' }],
      viaRunGateway: true,
      logger: memory.logger,
      config: { logLevel: 'info' },
    });
    await ask(target);
    await vi.waitFor(
      () => expect(memory.records().some((record) => record.msg === 'credentials reloaded')).toBe(true),
      { timeout: 5000, interval: 50 },
    );
    target.sim.updateAccount('idc', { invalidateAccessTokens: true });
    await ask(target, 'after the reload');
    expect(target.sim.stats.refreshCalls).toMatchObject({ idc: 2, failed: 0 });
    expect((await credentialsFile(target))[0]!.refreshToken).toBe(target.sim.account('idc').refreshToken);
  });

  it('50 concurrent requests at expiry cause exactly one refresh', async () => {
    const clock = new ManualClock();
    const target = await start({ clock, accounts: [{ id: 'idc', authMethod: 'idc' }] });
    await ask(target);
    expect(target.sim.stats.refreshCalls.idc).toBe(1);
    clock.advance(3600_000); // expired for the gateway and the simulator alike
    const answers = await Promise.all(Array.from({ length: 50 }, (_, index) => ask(target, `n${index}`)));
    expect(answers.every((answer) => answer.type === 'message')).toBe(true);
    expect(target.sim.stats.refreshCalls).toMatchObject({ idc: 2, failed: 0 });
    expect(target.sim.stats.chatByAccount.idc).toBe(51);
  });
});

describe('write-back keeps the file as the user wrote it', () => {
  it('an object file stays an object, with unknown fields and key order', async () => {
    const target = await start({
      accounts: [{ id: 'social', authMethod: 'social' }],
      credentialsShape: 'object',
      credentialFields: [{ label: 'work laptop', custom: { nested: [1, 2] }, region: 'us-east-1' }],
    });
    const before = (await readJson(target.credentialsPath)) as Record<string, unknown>;
    await ask(target);
    const after = (await readJson(target.credentialsPath)) as Record<string, unknown>;
    expect(Array.isArray(after)).toBe(false);
    expect(after).toMatchObject({ label: 'work laptop', custom: { nested: [1, 2] }, region: 'us-east-1' });
    expect(after.accessToken).toBe(target.sim.account('social').accessToken);
    // the keys the user had keep their places; new ones come after them
    expect(Object.keys(after).slice(0, Object.keys(before).length)).toEqual(Object.keys(before));
  });

  it('an array file stays an array; only the refreshed entry changes', async () => {
    const target = await start({
      accounts: [
        { id: 'first', authMethod: 'social' },
        { id: 'second', authMethod: 'idc' },
      ],
      credentialFields: [
        { priority: 0, note: 'keep me' },
        { priority: 5, disabled: false, extra: true },
      ],
    });
    const before = await credentialsFile(target);
    await ask(target);
    const after = (await readJson(target.credentialsPath)) as Record<string, unknown>[];
    expect(Array.isArray(after)).toBe(true);
    expect(after[0]).toMatchObject({ note: 'keep me', accessToken: target.sim.account('first').accessToken });
    expect(after[1]).toEqual(before[1]);
  });

  it('readers never see a partial file while refreshes rewrite it, and no temp file is left', async () => {
    const target = await start({ accounts: [{ id: 'idc', authMethod: 'idc' }] });
    const entry = target.gateway.services.pool.list()[0]!;
    let reading = true;
    let reads = 0;
    const reader = (async () => {
      while (reading) {
        const content = (await readJson(target.credentialsPath)) as Record<string, unknown>[];
        expect(content).toHaveLength(1);
        reads += 1;
      }
    })();
    for (let round = 0; round < 15; round++) await target.gateway.services.tokens.refresh(entry);
    reading = false;
    await reader;
    expect(reads).toBeGreaterThan(0);
    expect((await credentialsFile(target))[0]!.refreshToken).toBe(target.sim.account('idc').refreshToken);
    expect((await readdir(target.dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});

describe('invalid_grant', () => {
  async function expectDisabled(target: Stack) {
    const [entry] = target.gateway.services.pool.list();
    expect(entry!.status).toMatchObject({ kind: 'disabled', reason: 'invalid_refresh_token' });
    const health = (await (await fetch(`${target.url}/health`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ status: 'down', accounts: { total: 1, available: 0 } });
  }

  it('on first use: disables the credential with its reason; the client gets an error; no retry loop', async () => {
    const target = await start({ accounts: [{ id: 'gone', authMethod: 'social', revoked: true }] });
    const error = (await ask(target).catch((failure: unknown) => failure)) as {
      status: number;
      error: { error: { type: string; message: string } };
    };
    expect(error.status).toBeGreaterThanOrEqual(400);
    expect(error.error.error.message).toContain('invalid_refresh_token');
    expect(target.sim.stats.refreshCalls).toMatchObject({ social: 1, failed: 1 });
    await expectDisabled(target);

    const again = (await ask(target).catch((failure: unknown) => failure)) as { status: number };
    expect(again.status).toBe(error.status);
    expect(target.sim.stats.refreshCalls.social).toBe(1);
    expect(target.sim.stats.chatRequests).toBe(0);
  });

  it('mid-life (upstream revokes the account): one chat attempt, one refresh, then disabled', async () => {
    const target = await start({ accounts: [{ id: 'idc', authMethod: 'idc' }] });
    await ask(target);
    target.sim.updateAccount('idc', { revoked: true });
    const error = (await ask(target).catch((failure: unknown) => failure)) as { status: number };
    expect(error.status).toBeGreaterThanOrEqual(400);
    expect(target.sim.stats.refreshCalls).toMatchObject({ idc: 2, failed: 1 });
    expect(target.sim.stats.chatRequests).toBe(2);
    await expectDisabled(target);
  });
});

describe('a failing auth host (HTTP 500 on refresh)', () => {
  it('is not hammered: 50 concurrent requests make two refresh calls, then it is left alone a while', async () => {
    const clock = new ManualClock();
    const target = await start({
      clock,
      accounts: [
        { id: 'social', authMethod: 'social', refreshFault: { status: 500, body: { message: 'down' } } },
      ],
    });
    const statuses = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        ask(target, `n${index}`).then(
          () => 200,
          (error: { status: number }) => error.status,
        ),
      ),
    );
    expect(new Set(statuses)).toEqual(new Set([502]));
    // the first call, and one quick retry; then every retry is answered from the last failure
    expect(target.sim.stats.refreshCalls).toMatchObject({ social: 2, failed: 2 });
    expect(target.sim.stats.chatRequests).toBe(0);

    target.sim.updateAccount('social', { refreshFault: null });
    clock.advance(1000);
    await ask(target, 'auth host is back');
    expect(target.sim.stats.refreshCalls).toMatchObject({ social: 3, failed: 2 });
  });
});

describe('refresh ahead of expiry (shared ManualClock)', () => {
  it('a token with more than 10 minutes left is used; with less, it is refreshed before use', async () => {
    const clock = new ManualClock();
    const target = await start({ clock, accounts: [{ id: 'social', authMethod: 'social' }] });
    await ask(target);
    expect(target.sim.stats.refreshCalls.social).toBe(1);

    clock.advance(49 * 60_000); // 11 minutes left
    await ask(target, 'still fresh');
    expect(target.sim.stats.refreshCalls.social).toBe(1);

    clock.advance(2 * 60_000); // 9 minutes left: refreshed first, although it still works upstream
    await ask(target, 'refresh first');
    expect(target.sim.stats.refreshCalls.social).toBe(2);
    const paths = target.sim.stats.requests.map((request) => request.path);
    expect(paths.slice(-2)).toEqual(['/refreshToken', '/generateAssistantResponse']);
    expect(target.sim.stats.requests.every((request) => request.status === 200)).toBe(true);
  });
});
