import { describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../shared/clock.js';
import { createSilentLogger } from '../shared/logger.js';
import { RefreshError } from '../upstream/refresh-tokens.js';
import type { RefreshedTokens } from '../upstream/refresh-tokens.js';
import { AccessTokenProvider, REFRESH_AHEAD_MS, refreshRetryDelay } from './access-token-provider.js';
import type { TokenState } from '../upstream/credential.js';
import { CredentialEntry } from './credential-entry.js';
import { testSpec } from '../../test/helpers/credential-spec.js';

const spec = testSpec;

function setup(refreshImpl: () => Promise<RefreshedTokens>, tokens: TokenState = { refreshToken: 'r0' }) {
  const clock = new ManualClock(1_000_000);
  const social = vi.fn(refreshImpl);
  const idc = vi.fn(refreshImpl);
  const writeTokens = vi.fn(() => Promise.resolve());
  const provider = new AccessTokenProvider({
    refresher: { social, idc },
    writeTokens,
    clock,
    logger: createSilentLogger(),
  });
  const entry = new CredentialEntry(spec(), tokens);
  return { clock, social, idc, writeTokens, provider, entry };
}

const fresh = (clock: ManualClock, token = 'a1', refreshToken?: string): RefreshedTokens => ({
  accessToken: token,
  refreshToken,
  profileArn: 'arn:p',
  expiresAt: clock.now() + 3600_000,
});

describe('AccessTokenProvider', () => {
  it('collapses 50 concurrent demands at expiry into exactly one refresh', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { provider, entry, social, clock, writeTokens } = setup(async () => {
      await gate;
      return fresh(clock, 'new-token', 'r1');
    });
    const all = Array.from({ length: 50 }, () => provider.getAccessToken(entry));
    release();
    expect(new Set(await Promise.all(all))).toEqual(new Set(['new-token']));
    expect(social).toHaveBeenCalledTimes(1);
    expect(writeTokens).toHaveBeenCalledTimes(1);
    expect(entry.tokens).toMatchObject({ accessToken: 'new-token', refreshToken: 'r1', profileArn: 'arn:p' });
  });

  it('does not refresh a token with more than 10 minutes left; refreshes inside the window', async () => {
    const { provider, entry, social, clock } = setup(() => Promise.resolve(fresh(clock, 'b')), {
      accessToken: 'a',
      refreshToken: 'r',
      expiresAt: 1_000_000 + REFRESH_AHEAD_MS + 1000,
    });
    expect(await provider.getAccessToken(entry)).toBe('a');
    expect(social).not.toHaveBeenCalled();
    clock.advance(2000);
    expect(await provider.getAccessToken(entry)).toBe('b');
    expect(social).toHaveBeenCalledTimes(1);
  });

  it('uses IdC refresh for idc credentials and keeps the refresh token when none is returned', async () => {
    const { provider, entry, idc, social, clock } = setup(() => Promise.resolve(fresh(clock, 'i1')));
    entry.spec = spec({ authMethod: 'idc', clientId: 'c', clientSecret: 's' });
    await provider.getAccessToken(entry);
    expect(idc).toHaveBeenCalledWith(entry.spec, 'r0');
    expect(social).not.toHaveBeenCalled();
    expect(entry.tokens.refreshToken).toBe('r0');
  });

  it('invalid_grant disables the credential with a reason and is not retried', async () => {
    const { provider, entry, social } = setup(() =>
      Promise.reject(new RefreshError('invalid_grant', 'revoked')),
    );
    await expect(provider.getAccessToken(entry)).rejects.toThrow(RefreshError);
    expect(entry.status).toMatchObject({ kind: 'disabled', reason: 'invalid_refresh_token' });
    expect(social).toHaveBeenCalledTimes(1);
  });

  it('a forced refresh for an already-replaced token makes no second refresh', async () => {
    const { provider, entry, social, clock } = setup(() => Promise.resolve(fresh(clock, 'x2')), {
      accessToken: 'x1',
      refreshToken: 'r',
      expiresAt: 1_000_000 + 3600_000,
    });
    await provider.getAccessToken(entry, { force: true, rejectedToken: 'x1' });
    await provider.getAccessToken(entry, { force: true, rejectedToken: 'x1' });
    expect(social).toHaveBeenCalledTimes(1);
    expect(entry.tokens.accessToken).toBe('x2');
  });

  it('keeps using a still-valid token when a refresh fails transiently', async () => {
    const { provider, entry } = setup(() => Promise.reject(new RefreshError('transient', 'HTTP 503')), {
      accessToken: 'old',
      refreshToken: 'r',
      expiresAt: 1_000_000 + 5 * 60_000,
    });
    expect(await provider.getAccessToken(entry)).toBe('old');
    expect(entry.status.kind).toBe('active');
  });

  it('after repeated transient failures, leaves the auth host alone for a growing while', async () => {
    let failing = true;
    const { provider, entry, social, clock } = setup(() =>
      failing ? Promise.reject(new RefreshError('transient', 'HTTP 500')) : Promise.resolve(fresh(clock)),
    );
    const attempt = () => provider.getAccessToken(entry).catch((error: unknown) => error);
    expect(await attempt()).toBeInstanceOf(RefreshError);
    expect(await attempt()).toBeInstanceOf(RefreshError); // one quick retry is free
    expect(social).toHaveBeenCalledTimes(2);
    for (let index = 0; index < 20; index++) expect(await attempt()).toBeInstanceOf(RefreshError);
    expect(social).toHaveBeenCalledTimes(2); // answered from the last failure
    clock.advance(1000);
    await attempt();
    expect(social).toHaveBeenCalledTimes(3);
    clock.advance(1000); // the delay doubled to 2 s
    await attempt();
    expect(social).toHaveBeenCalledTimes(3);
    failing = false;
    clock.advance(1000);
    expect(await provider.getAccessToken(entry)).toBe('a1');
    expect(entry.consecutiveRefreshFailures).toBe(0);
    expect([0, 1, 2, 3, 8, 20].map(refreshRetryDelay)).toEqual([0, 0, 1000, 2000, 60_000, 60_000]);
  });

  it('API-key credentials never refresh', async () => {
    const { provider, entry, social } = setup(() => Promise.reject(new Error('no')));
    entry.spec = spec({ authMethod: 'api_key', kiroApiKey: 'ksk_1' });
    expect(await provider.getAccessToken(entry, { force: true })).toBe('ksk_1');
    expect(social).not.toHaveBeenCalled();
  });
});
