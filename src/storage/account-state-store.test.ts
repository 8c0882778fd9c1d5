import { describe, expect, it } from 'vitest';
import { CredentialEntry } from '../credentials/credential-entry.js';
import { AccountStateStore } from './account-state-store.js';
import { openGatewayDatabase } from './gateway-database.js';
import { RequestLogStore } from './request-log-store.js';
import type { RequestLogEntry } from './request-log-store.js';
import { testSpec } from '../../test/helpers/credential-spec.js';

const spec = testSpec;

function populated(): CredentialEntry {
  const entry = new CredentialEntry(spec(), { refreshToken: 'r' });
  entry.counters = {
    requests: 7,
    successes: 5,
    failures: 2,
    inputTokens: 1200,
    outputTokens: 340,
    credits: 1.2345,
    lastUsedAt: 1_700_000_000_000,
    lastError: '429 ThrottlingException',
  };
  entry.creditsSinceSnapshot = 0.25;
  entry.usage = {
    subscriptionTitle: 'KIRO PRO',
    subscriptionType: 'Q_DEVELOPER_STANDALONE_PRO',
    email: 'a@example.com',
    limit: 1000,
    used: 10.5,
    remaining: 989.5,
    percentUsed: 1.05,
    bonusRemaining: 0,
    nextResetAt: 1_701_000_000_000,
    fetchedAt: 1_700_000_000_000,
  };
  return entry;
}

describe('AccountStateStore', () => {
  it('round-trips counters, usage and each kind of status', () => {
    const db = openGatewayDatabase(':memory:');
    const store = new AccountStateStore(db, () => 1);
    const statuses = [
      { kind: 'active' },
      { kind: 'cooling', until: 1_700_000_300_000, reason: 'throttled (429)' },
      { kind: 'disabled', reason: 'suspended', detail: 'suspended upstream', since: 5 },
      { kind: 'disabled', reason: 'quota_exhausted', detail: 'quota', since: 6, until: 1_701_000_000_000 },
    ] as const;
    for (const status of statuses) {
      const saved = populated();
      saved.status = structuredClone(status);
      store.save(saved);
      store.flush();
      const restored = new CredentialEntry(spec(), { refreshToken: 'r' });
      store.restore(restored);
      expect(restored.status).toEqual(status);
      expect(restored.counters).toEqual(saved.counters);
      expect(restored.usage).toEqual(saved.usage);
      expect(restored.creditsSinceSnapshot).toBe(0.25);
    }
    db.close();
  });

  it('a manual disable comes from the file only: neither restored nor overridden', () => {
    const db = openGatewayDatabase(':memory:');
    const store = new AccountStateStore(db, () => 1);
    const saved = populated();
    saved.disable('manual', 'disabled in the credentials file', 0);
    store.save(saved);
    store.flush();
    const enabledInFile = new CredentialEntry(spec(), {});
    store.restore(enabledInFile);
    expect(enabledInFile.status).toEqual({ kind: 'active' });

    saved.status = { kind: 'cooling', until: 10, reason: 'x' };
    store.save(saved);
    store.flush();
    const disabledInFile = new CredentialEntry(spec({ disabled: true }), {});
    store.restore(disabledInFile);
    expect(disabledInFile.status).toMatchObject({ kind: 'disabled', reason: 'manual' });
  });

  it('batches saves into one flush on the next tick', async () => {
    const db = openGatewayDatabase(':memory:');
    const store = new AccountStateStore(db, () => 1);
    const entry = populated();
    store.save(entry);
    entry.counters.requests = 8;
    store.save(entry);
    expect(db.prepare('SELECT COUNT(*) AS n FROM account_state').get()).toEqual({ n: 0 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(db.prepare('SELECT requests FROM account_state').get()).toEqual({ requests: 8 });
    db.close();
  });

  it('after close, late saves (background work at shutdown) are dropped instead of hitting a closed database', async () => {
    const db = openGatewayDatabase(':memory:');
    const store = new AccountStateStore(db, () => 1);
    store.save(populated());
    store.close();
    db.close();
    store.save(populated());
    store.saveEnvTokens('env:X:0', { refreshToken: 'r' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(() => store.flush()).not.toThrow();
  });
});

describe('RequestLogStore', () => {
  const row = (index: number): RequestLogEntry => ({
    at: index,
    requestId: `req-${index}`,
    endpoint: '/v1/messages',
    model: 'claude-sonnet-4-6',
    kiroModel: 'claude-sonnet-4.6',
    credentialId: index % 2,
    stream: index % 2 === 0,
    status: 200,
    latencyMs: 10,
    firstByteMs: undefined,
    inputTokens: 100,
    outputTokens: 20,
    credits: 0.03,
    errorType: undefined,
    errorMessage: undefined,
  });

  it('keeps the newest N and returns them newest first', () => {
    const db = openGatewayDatabase(':memory:');
    const log = new RequestLogStore(db, 3);
    for (let index = 1; index <= 5; index++) log.append(row(index));
    expect(log.recent(10).map((entry) => entry.requestId)).toEqual(['req-5', 'req-4', 'req-3']);
    expect(log.recent(10)[0]).toEqual(row(5));
    log.setCapacity(1);
    log.append(row(6));
    expect(log.recent(10)).toEqual([row(6)]);
    db.close();
  });

  it('after close, appends are dropped', async () => {
    const db = openGatewayDatabase(':memory:');
    const log = new RequestLogStore(db, 3);
    log.append(row(1));
    log.close();
    db.close();
    log.append(row(2));
    await new Promise((resolve) => setImmediate(resolve));
    expect(() => log.flush()).not.toThrow();
  });
});
