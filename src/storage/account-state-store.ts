import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import type { CredentialSpec, TokenState } from '../upstream/credential.js';
import type { CredentialEntry, CredentialStatus, DisabledReason } from '../credentials/credential-entry.js';
import { isDerivedMachineId } from '../upstream/machine-id.js';
import type { UsageSnapshot } from '../upstream/usage-limits.js';
import { AccountIdentities, MAX_FINGERPRINTS, identitySecret } from './account-identities.js';

interface AccountStateRow {
  state_key: string;
  credential_id: number;
  status: string;
  status_reason: string | null;
  status_detail: string | null;
  status_since: number | null;
  status_until: number | null;
  requests: number;
  successes: number;
  failures: number;
  input_tokens: number;
  output_tokens: number;
  credits: number;
  credits_since_snapshot: number;
  last_used_at: number | null;
  last_error: string | null;
  usage_json: string | null;
  machine_id: string | null;
  identified: number;
}

/**
 * What `restore` found: the account's own state (at its slot, or at `from` when it moved in the file), a
 * slot holding another account's state (this one starts fresh), or nothing.
 */
export type RestoreResult = { kind: 'restored'; from: string } | { kind: 'replaced' } | { kind: 'fresh' };

interface EnvTokenRow {
  access_token: string | null;
  refresh_token: string | null;
  expires_at: number | null;
  profile_arn: string | null;
}

function statusFromRow(row: AccountStateRow): CredentialStatus {
  if (row.status === 'cooling' && row.status_until !== null) {
    return { kind: 'cooling', until: row.status_until, reason: row.status_reason ?? 'cooling down' };
  }
  if (row.status === 'disabled' && row.status_reason !== null && row.status_reason !== 'manual') {
    return {
      kind: 'disabled',
      reason: row.status_reason as DisabledReason,
      detail: row.status_detail ?? '',
      since: row.status_since ?? 0,
      ...(row.status_until === null ? {} : { until: row.status_until }),
    };
  }
  return { kind: 'active' };
}

/**
 * Persists each account's status, counters and usage snapshot so a restart keeps them.
 * Writes are batched: `save()` marks an entry dirty and one transaction flushes all of them on
 * the next tick, so the stream path never waits on disk.
 */
export class AccountStateStore {
  private readonly dirty = new Map<string, CredentialEntry>();
  private flushScheduled = false;
  private closed = false;
  private readonly upsert: Statement;
  private readonly select: Statement<[string], AccountStateRow>;
  private readonly upsertTokens: Statement;
  private readonly selectTokens: Statement<[string], EnvTokenRow>;
  private readonly identities: AccountIdentities;
  /** Fingerprints each account had in earlier runs (kept across its rotations). */
  private readonly earlier = new WeakMap<CredentialEntry, string[]>();

  constructor(
    private readonly db: SqliteDatabase,
    private readonly now: () => number,
  ) {
    this.upsert = db.prepare(`
      INSERT INTO account_state (state_key, credential_id, status, status_reason, status_detail, status_since,
        status_until, requests, successes, failures, input_tokens, output_tokens, credits, credits_since_snapshot,
        last_used_at, last_error, usage_json, machine_id, identified, updated_at)
      VALUES (@state_key, @credential_id, @status, @status_reason, @status_detail, @status_since, @status_until,
        @requests, @successes, @failures, @input_tokens, @output_tokens, @credits, @credits_since_snapshot,
        @last_used_at, @last_error, @usage_json, @machine_id, @identified, @updated_at)
      ON CONFLICT (state_key) DO UPDATE SET credential_id = excluded.credential_id, status = excluded.status,
        status_reason = excluded.status_reason, status_detail = excluded.status_detail,
        status_since = excluded.status_since, status_until = excluded.status_until, requests = excluded.requests,
        successes = excluded.successes, failures = excluded.failures, input_tokens = excluded.input_tokens,
        output_tokens = excluded.output_tokens, credits = excluded.credits,
        credits_since_snapshot = excluded.credits_since_snapshot, last_used_at = excluded.last_used_at,
        last_error = excluded.last_error, usage_json = excluded.usage_json, machine_id = excluded.machine_id,
        identified = excluded.identified, updated_at = excluded.updated_at`);
    this.select = db.prepare('SELECT * FROM account_state WHERE state_key = ?');
    this.upsertTokens = db.prepare(`
      INSERT INTO env_tokens (state_key, access_token, refresh_token, expires_at, profile_arn, updated_at)
      VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (state_key) DO UPDATE SET access_token = excluded.access_token,
        refresh_token = excluded.refresh_token, expires_at = excluded.expires_at,
        profile_arn = excluded.profile_arn, updated_at = excluded.updated_at`);
    this.selectTokens = db.prepare(
      'SELECT access_token, refresh_token, expires_at, profile_arn FROM env_tokens WHERE state_key = ?',
    );
    this.identities = new AccountIdentities(db);
  }

  /**
   * Restores what a previous run knew about this account, found by its secret's fingerprint wherever it
   * sat in the file. A slot whose row belongs to another secret is not inherited. Rows written before
   * fingerprints were kept are adopted by the entry at their slot. A manual disable comes from the file.
   */
  restore(entry: CredentialEntry): RestoreResult {
    const { stateKey } = entry.spec;
    const secret = identitySecret(entry.spec, entry.tokens);
    if (secret !== undefined) {
      const owner = this.identities.ownerOf(this.identities.fingerprint(entry.spec, secret));
      if (owner !== undefined) {
        this.earlier.set(entry, this.identities.of(owner));
        const row = this.select.get(owner);
        if (!row) return { kind: 'fresh' };
        this.apply(entry, row);
        return { kind: 'restored', from: owner };
      }
    }
    const row = this.select.get(stateKey);
    if (!row) return { kind: 'fresh' };
    if (secret !== undefined && row.identified === 1) return { kind: 'replaced' };
    this.apply(entry, row);
    return { kind: 'restored', from: stateKey };
  }

  private apply(entry: CredentialEntry, row: AccountStateRow): void {
    if (entry.status.kind !== 'disabled') entry.status = statusFromRow(row);
    entry.counters = {
      requests: row.requests,
      successes: row.successes,
      failures: row.failures,
      inputTokens: row.input_tokens,
      outputTokens: row.output_tokens,
      credits: row.credits,
      lastUsedAt: row.last_used_at ?? undefined,
      lastError: row.last_error ?? undefined,
    };
    entry.creditsSinceSnapshot = row.credits_since_snapshot;
    if (row.usage_json) entry.usage = JSON.parse(row.usage_json) as UsageSnapshot;
    // Accounts without a file derive their machine id from a refresh token that rotates: keep the first one.
    if (
      row.machine_id &&
      entry.spec.origin.kind !== 'file' &&
      entry.spec.machineIdSource !== undefined &&
      isDerivedMachineId(entry.spec.machineIdSource)
    ) {
      entry.spec = { ...entry.spec, machineId: row.machine_id };
    }
  }

  save(entry: CredentialEntry): void {
    this.dirty.set(entry.spec.stateKey, entry);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  flush(): void {
    this.flushScheduled = false;
    if (this.closed || this.dirty.size === 0) return;
    const entries = [...this.dirty.values()];
    this.dirty.clear();
    const now = this.now();
    const batch = entries.map((entry) => ({ entry, fingerprints: this.fingerprintsOf(entry) }));
    this.db.transaction(() => {
      for (const { entry, fingerprints } of batch)
        this.upsert.run(rowFor(entry, now, fingerprints.length > 0));
      this.identities.replace(
        batch.map(({ entry, fingerprints }) => [entry.spec.stateKey, fingerprints] as const),
      );
    })();
  }

  /**
   * Records at once a secret kirogate is about to hand out (a rotated refresh token written back), so a
   * restart that finds it in the file knows the account even if the batched state write never happened.
   */
  rememberSecret(spec: CredentialSpec, tokens: TokenState): void {
    const secret = identitySecret(spec, tokens);
    if (this.closed || secret === undefined) return;
    this.identities.remember(spec.stateKey, this.identities.fingerprint(spec, secret));
  }

  /**
   * Called once at start-up, after every loaded entry was restored and saved: rows of the file written before
   * fingerprints were kept and not adopted now belong to entries gone from the file, and must not be picked
   * up by a stranger given their id later.
   */
  forgetLegacyRows(kept: ReadonlySet<string>): void {
    this.flush();
    const legacy = this.db
      .prepare("SELECT state_key FROM account_state WHERE identified = 0 AND state_key LIKE 'file:%'")
      .all() as { state_key: string }[];
    const drop = this.db.prepare('DELETE FROM account_state WHERE state_key = ?');
    for (const { state_key: stateKey } of legacy) if (!kept.has(stateKey)) drop.run(stateKey);
  }

  /** Earlier fingerprints, then the ones rotated away from this run, then the current secret's; newest kept. */
  private fingerprintsOf(entry: CredentialEntry): string[] {
    const secret = identitySecret(entry.spec, entry.tokens);
    if (secret === undefined) return [];
    const secrets = [...entry.retiredRefreshTokens, secret];
    const all = [
      ...(this.earlier.get(entry) ?? []),
      ...secrets.map((value) => this.identities.fingerprint(entry.spec, value)),
    ];
    const newestLast = all.filter((fingerprint, index) => all.lastIndexOf(fingerprint) === index);
    const kept = newestLast.slice(-MAX_FINGERPRINTS);
    this.earlier.set(entry, kept);
    return kept;
  }

  /** Writes what is pending and stops writing: work still running at shutdown must not touch a closed database. */
  close(): void {
    this.flush();
    this.closed = true;
    this.dirty.clear();
  }

  /** Rotated tokens of accounts that came from env vars (they have no file to write back to). */
  loadEnvTokens(stateKey: string): TokenState | undefined {
    const row = this.selectTokens.get(stateKey);
    if (!row) return undefined;
    return {
      ...(row.access_token ? { accessToken: row.access_token } : {}),
      ...(row.refresh_token ? { refreshToken: row.refresh_token } : {}),
      ...(row.expires_at === null ? {} : { expiresAt: row.expires_at }),
      ...(row.profile_arn ? { profileArn: row.profile_arn } : {}),
    };
  }

  saveEnvTokens(stateKey: string, tokens: TokenState): void {
    if (this.closed) return;
    this.upsertTokens.run(
      stateKey,
      tokens.accessToken ?? null,
      tokens.refreshToken ?? null,
      tokens.expiresAt ?? null,
      tokens.profileArn ?? null,
      this.now(),
    );
  }
}

function rowFor(entry: CredentialEntry, now: number, identified: boolean): Record<string, unknown> {
  const status = entry.status;
  return {
    state_key: entry.spec.stateKey,
    credential_id: entry.id,
    status: status.kind,
    status_reason: status.kind === 'active' ? null : status.reason,
    status_detail: status.kind === 'disabled' ? status.detail : null,
    status_since: status.kind === 'disabled' ? status.since : null,
    status_until: status.kind === 'active' ? null : (status.until ?? null),
    requests: entry.counters.requests,
    successes: entry.counters.successes,
    failures: entry.counters.failures,
    input_tokens: entry.counters.inputTokens,
    output_tokens: entry.counters.outputTokens,
    credits: entry.counters.credits,
    credits_since_snapshot: entry.creditsSinceSnapshot,
    last_used_at: entry.counters.lastUsedAt ?? null,
    last_error: entry.counters.lastError ?? null,
    usage_json: entry.usage ? JSON.stringify(entry.usage) : null,
    machine_id: entry.spec.machineId,
    identified: identified ? 1 : 0,
    updated_at: now,
  };
}
