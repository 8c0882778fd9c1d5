import { describe, expect, it } from 'vitest';
import type { CredentialSpec } from '../upstream/credential.js';
import { CredentialEntry } from '../credentials/credential-entry.js';
import { AccountIdentities, MAX_FINGERPRINTS } from './account-identities.js';
import { AccountStateStore } from './account-state-store.js';
import { openGatewayDatabase } from './gateway-database.js';
import { testSpec } from '../../test/helpers/credential-spec.js';

function setup() {
  const db = openGatewayDatabase(':memory:');
  const store = new AccountStateStore(db, () => 1);
  const rowKeys = () =>
    (
      db.prepare('SELECT state_key FROM account_state ORDER BY state_key').all() as { state_key: string }[]
    ).map((row) => row.state_key);
  return { db, store, rowKeys };
}

/** An account in slot `id` holding `secret`, with `requests` as a recognisable piece of state. */
function account(id: number, secret: string, requests = 0, overrides: Partial<CredentialSpec> = {}) {
  const entry = new CredentialEntry(testSpec({ id, ...overrides }), { refreshToken: secret });
  entry.counters.requests = requests;
  return entry;
}

function saveAll(store: AccountStateStore, ...entries: CredentialEntry[]): void {
  for (const entry of entries) store.save(entry);
  store.flush();
}

describe('AccountIdentities', () => {
  it('fingerprints are salted per database, separate API keys from refresh tokens, and hide the secret', () => {
    const first = new AccountIdentities(openGatewayDatabase(':memory:'));
    const second = new AccountIdentities(openGatewayDatabase(':memory:'));
    const social = testSpec();
    const apiKey = testSpec({ authMethod: 'api_key' });
    const secret = 'aor-secret-value';
    expect(first.fingerprint(social, secret)).toBe(first.fingerprint(social, secret));
    expect(first.fingerprint(social, secret)).toMatch(/^[0-9a-f]{64}$/);
    expect(first.fingerprint(social, secret)).not.toBe(second.fingerprint(social, secret));
    expect(first.fingerprint(social, secret)).not.toBe(first.fingerprint(apiKey, secret));
  });
});

describe('AccountStateStore: state follows the account', () => {
  it('the same secret at the same slot restores its state', () => {
    const { store } = setup();
    saveAll(store, account(1, 'r1', 7));
    const again = account(1, 'r1');
    expect(store.restore(again)).toEqual({ kind: 'restored', from: 'file:1' });
    expect(again.counters.requests).toBe(7);
  });

  it('another secret at that slot is a new account: nothing restored, and the old row is replaced on save', () => {
    const { store, db } = setup();
    const old = account(1, 'r1', 7);
    old.disable('invalid_refresh_token', 'revoked', 1);
    saveAll(store, old);
    const replaced = account(1, 'r-new');
    expect(store.restore(replaced)).toEqual({ kind: 'replaced' });
    expect(replaced.status).toEqual({ kind: 'active' });
    expect(replaced.counters.requests).toBe(0);
    saveAll(store, replaced);
    // the old secret no longer finds anything: its state was overwritten
    expect(store.restore(account(3, 'r1'))).toEqual({ kind: 'fresh' });
    expect(db.prepare('SELECT status FROM account_state').all()).toEqual([{ status: 'active' }]);
  });

  it('entries swapped in the file take their own rows along', () => {
    const { store, db } = setup();
    const one = account(1, 'r1', 1);
    one.disable('quota_exhausted', 'quota', 1, 99);
    saveAll(store, one, account(2, 'r2', 2));
    const [swappedOne, swappedTwo] = [account(1, 'r2'), account(2, 'r1')];
    expect(store.restore(swappedOne)).toEqual({ kind: 'restored', from: 'file:2' });
    expect(store.restore(swappedTwo)).toEqual({ kind: 'restored', from: 'file:1' });
    expect(swappedOne.counters.requests).toBe(2);
    expect(swappedTwo.counters.requests).toBe(1);
    expect(swappedTwo.status).toMatchObject({ kind: 'disabled', reason: 'quota_exhausted' });
    saveAll(store, swappedOne, swappedTwo);
    expect(db.prepare('SELECT state_key, requests FROM account_state ORDER BY state_key').all()).toEqual([
      { state_key: 'file:1', requests: 2 },
      { state_key: 'file:2', requests: 1 },
    ]);
    const restarted = account(2, 'r1');
    expect(store.restore(restarted)).toEqual({ kind: 'restored', from: 'file:2' });
  });

  it('an account that moved to a new id leaves no row a stranger at its old id could pick up', () => {
    const { store, rowKeys } = setup();
    saveAll(store, account(2, 'r2', 5));
    const moved = account(3, 'r2');
    expect(store.restore(moved)).toEqual({ kind: 'restored', from: 'file:2' });
    saveAll(store, moved);
    expect(rowKeys()).toEqual(['file:3']);
    const stranger = account(2, 'r-other');
    expect(store.restore(stranger)).toEqual({ kind: 'fresh' });
    expect(stranger.counters.requests).toBe(0);
  });

  it('tokens kirogate rotated to and away from both keep the state', () => {
    const { store } = setup();
    const entry = account(1, 'r1', 4);
    saveAll(store, entry);
    entry.retireRefreshToken('r1');
    entry.tokens = { refreshToken: 'r2' };
    saveAll(store, entry);
    for (const secret of ['r2', 'r1']) {
      const restarted = account(1, secret);
      expect(store.restore(restarted)).toEqual({ kind: 'restored', from: 'file:1' });
      expect(restarted.counters.requests).toBe(4);
    }
  });

  it('a rotation written back is known at once, before the batched state write', () => {
    const { store } = setup();
    saveAll(store, account(1, 'r1', 4));
    store.rememberSecret(testSpec({ id: 1 }), { refreshToken: 'r2' });
    const restarted = account(1, 'r2');
    expect(store.restore(restarted)).toEqual({ kind: 'restored', from: 'file:1' });
    expect(restarted.counters.requests).toBe(4);
  });

  it('keeps the newest fingerprints across restarts, at most MAX_FINGERPRINTS', () => {
    const { store, db } = setup();
    let entry = account(1, 'r0');
    saveAll(store, entry);
    for (let index = 1; index <= MAX_FINGERPRINTS + 4; index++) {
      if (index % 4 === 0) {
        // a restart: a new entry object holding the current token
        const next = account(1, `r${index - 1}`);
        store.restore(next);
        entry = next;
      }
      entry.retireRefreshToken(`r${index - 1}`);
      entry.tokens = { refreshToken: `r${index}` };
      saveAll(store, entry);
    }
    expect(db.prepare('SELECT COUNT(*) AS n FROM account_identity').get()).toEqual({ n: MAX_FINGERPRINTS });
    expect(store.restore(account(1, `r${MAX_FINGERPRINTS + 4}`))).toMatchObject({ kind: 'restored' });
    expect(store.restore(account(1, 'r5'))).toMatchObject({ kind: 'restored' });
    expect(store.restore(account(1, 'r4'))).toEqual({ kind: 'replaced' });
  });

  it('a row written before fingerprints were kept is adopted once by the entry at its slot', () => {
    const { store, db } = setup();
    db.prepare(
      "INSERT INTO account_state (state_key, credential_id, status, requests, updated_at) VALUES ('file:1', 1, 'active', 5, 0)",
    ).run();
    const adopted = account(1, 'r1');
    expect(store.restore(adopted)).toEqual({ kind: 'restored', from: 'file:1' });
    expect(adopted.counters.requests).toBe(5);
    saveAll(store, adopted);
    expect(store.restore(account(1, 'r-other'))).toEqual({ kind: 'replaced' });
  });

  it('at start-up, rows from before fingerprints that no entry adopted are dropped', () => {
    const { store, db, rowKeys } = setup();
    const insert = db.prepare(
      "INSERT INTO account_state (state_key, credential_id, status, requests, updated_at) VALUES (?, 1, 'active', 5, 0)",
    );
    for (const stateKey of ['file:1', 'file:2', 'env:REFRESH_TOKEN:abc']) insert.run(stateKey);
    const adopted = account(1, 'r1');
    store.restore(adopted);
    store.save(adopted);
    store.forgetLegacyRows(new Set(['file:1']));
    expect(rowKeys()).toEqual(['env:REFRESH_TOKEN:abc', 'file:1']);
    expect(store.restore(account(2, 'r2'))).toEqual({ kind: 'fresh' });
  });

  it('env accounts keep their slot (their key already follows the secret)', () => {
    const { store } = setup();
    const env = {
      stateKey: 'env:REFRESH_TOKEN:abc',
      origin: { kind: 'env', variable: 'REFRESH_TOKEN' },
    } as const;
    saveAll(store, account(4, 'r1', 3, env));
    const rotated = account(4, 'r9', 0, env);
    expect(store.restore(rotated)).toEqual({ kind: 'restored', from: env.stateKey });
    expect(rotated.counters.requests).toBe(3);
  });
});
