import { describe, expect, it } from 'vitest';
import type { CredentialSpec, LoadedCredential } from '../upstream/credential.js';
import { CredentialEntry } from '../credentials/credential-entry.js';
import { CredentialPool } from '../credentials/credential-pool.js';
import { ManualClock } from '../shared/clock.js';
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
  const reload = (credential: LoadedCredential) => applyCredentials(pool, [credential], store, clock.now());
  return { clock, entry, pool, reload };
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

  it('takes a new refresh token from the file and re-enables an account disabled for its old one', () => {
    const { entry, reload, clock } = setup();
    entry.disable('invalid_refresh_token', 'revoked', clock.now());
    reload({ spec: spec(1), tokens: { refreshToken: 'r-new' } });
    expect(entry.tokens).toEqual({ refreshToken: 'r-new' });
    expect(entry.status).toEqual({ kind: 'active' });
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
    );
    expect(changes).toEqual({ added: 1, removed: 0, updated: 0 });
    expect(pool.get(1)?.counters.requests).toBe(7);
    expect(reload({ spec: spec(2), tokens: { refreshToken: 'r2' } })).toMatchObject({ removed: 1 });
    expect(pool.list().map((candidate) => candidate.id)).toEqual([2]);
  });
});
