import { describe, expect, it } from 'vitest';
import type { CredentialSpec, LoadedCredential } from '../upstream/credential.js';
import { CredentialEntry } from '../credentials/credential-entry.js';
import { CredentialPool } from '../credentials/credential-pool.js';
import { ManualClock } from '../shared/clock.js';
import { createSilentLogger } from '../shared/logger.js';
import { AccountStateStore } from '../storage/account-state-store.js';
import { openGatewayDatabase } from '../storage/gateway-database.js';
import { applyCredentials } from './apply-credentials.js';
import { testSpec } from '../../test/helpers/credential-spec.js';

const spec = (id: number, overrides: Partial<CredentialSpec> = {}): CredentialSpec =>
  testSpec({ id, ...overrides });

function setup() {
  const clock = new ManualClock();
  const store = new AccountStateStore(openGatewayDatabase(':memory:'), () => clock.now());
  const entry = new CredentialEntry(spec(1), {
    accessToken: 'a1',
    refreshToken: 'r1',
    expiresAt: clock.now() + 3_600_000,
  });
  const pool = new CredentialPool([entry], { clock, policy: { mode: 'priority', sticky: false } });
  const reloadAll = (credentials: LoadedCredential[]) =>
    applyCredentials(pool, credentials, store, clock.now(), createSilentLogger());
  const reload = (credential: LoadedCredential) => reloadAll([credential]);
  return { clock, entry, pool, store, reload, reloadAll };
}

describe('applyCredentials', () => {
  it('ignores a reread of a refresh token the account already rotated away from', () => {
    const { entry, reload } = setup();
    entry.retireRefreshToken('r0');
    const changes = reload({ spec: spec(1), tokens: { refreshToken: 'r0' } });
    expect(entry.tokens.refreshToken).toBe('r1');
    expect(entry.tokens.accessToken).toBe('a1');
    expect(changes).toEqual({ added: 0, removed: 0, updated: 0 });
  });

  it('a new refresh token in the same entry is a new account: fresh state, the old one dropped', () => {
    const { entry, reload, clock, pool } = setup();
    entry.disable('invalid_refresh_token', 'revoked', clock.now());
    entry.counters.requests = 7;
    const changes = reload({ spec: spec(1), tokens: { refreshToken: 'r-new' } });
    expect(changes).toEqual({ added: 1, removed: 1, updated: 0 });
    const fresh = pool.get(1)!;
    expect(fresh).not.toBe(entry);
    expect(fresh.tokens).toEqual({ refreshToken: 'r-new' });
    expect(fresh.status).toEqual({ kind: 'active' });
    expect(fresh.counters.requests).toBe(0);
  });

  it('entries swapped in the file keep their own runtime entries, under their new ids', () => {
    const { entry, pool, reloadAll, clock } = setup();
    reloadAll([
      { spec: spec(1), tokens: { refreshToken: 'r1' } },
      { spec: spec(2), tokens: { refreshToken: 'r2' } },
    ]);
    const second = pool.get(2)!;
    entry.disable('quota_exhausted', 'quota', clock.now(), clock.now() + 1000);
    second.counters.requests = 3;
    const changes = reloadAll([
      { spec: spec(1), tokens: { refreshToken: 'r2' } },
      { spec: spec(2), tokens: { refreshToken: 'r1' } },
    ]);
    expect(changes).toEqual({ added: 0, removed: 0, updated: 2 });
    expect(pool.get(1)).toBe(second);
    expect(pool.get(2)).toBe(entry);
    expect(second.spec.stateKey).toBe('file:1');
    expect(entry.status).toMatchObject({ kind: 'disabled', reason: 'quota_exhausted' });
  });

  it('an API-key account is recognised by its key', () => {
    const { pool, reloadAll } = setup();
    const key = (id: number, kiroApiKey: string) => ({
      spec: spec(id, { authMethod: 'api_key', kiroApiKey }),
      tokens: {},
    });
    reloadAll([key(1, 'ksk_a')]);
    const first = pool.get(1)!;
    first.counters.requests = 2;
    reloadAll([key(2, 'ksk_a')]);
    expect(pool.get(2)).toBe(first);
    reloadAll([key(2, 'ksk_b')]);
    expect(pool.get(2)).not.toBe(first);
    expect(pool.get(2)!.counters.requests).toBe(0);
  });

  it('the Kiro IDE login keeps its slot: a new token there re-enables it', () => {
    const { pool, reloadAll, clock } = setup();
    const ide = (refreshToken: string) => ({
      spec: spec(1, { stateKey: 'ide-cache:/x', origin: { kind: 'ide-cache', path: '/x' } }),
      tokens: { refreshToken },
    });
    reloadAll([ide('r-ide')]);
    const login = pool.get(1)!;
    login.disable('invalid_refresh_token', 'revoked', clock.now());
    reloadAll([ide('r-ide-2')]);
    expect(pool.get(1)).toBe(login);
    expect(login.tokens).toEqual({ refreshToken: 'r-ide-2' });
    expect(login.status).toEqual({ kind: 'active' });
  });

  it('applies the file’s disabled flag as a manual disable, and lifts it', () => {
    const { entry, reload, pool } = setup();
    reload({ spec: spec(1, { disabled: true }), tokens: { refreshToken: 'r1' } });
    expect(entry.status).toMatchObject({ kind: 'disabled', reason: 'manual' });
    reload({ spec: spec(1), tokens: { refreshToken: 'r1' } });
    expect(entry.status).toEqual({ kind: 'active' });
    expect(pool.get(1)).toBe(entry);
  });

  it('adds new accounts and drops removed ones without touching the rest', () => {
    const { entry, pool, reload } = setup();
    entry.counters.requests = 7;
    const changes = applyCredentials(
      pool,
      [
        { spec: spec(1), tokens: { refreshToken: 'r1' } },
        { spec: spec(2), tokens: { refreshToken: 'r2' } },
      ],
      new AccountStateStore(openGatewayDatabase(':memory:'), () => 0),
      0,
      createSilentLogger(),
    );
    expect(changes).toEqual({ added: 1, removed: 0, updated: 0 });
    expect(pool.get(1)?.counters.requests).toBe(7);
    expect(reload({ spec: spec(2), tokens: { refreshToken: 'r2' } })).toMatchObject({ removed: 1 });
    expect(pool.list().map((candidate) => candidate.id)).toEqual([2]);
  });
});
