import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { KiroCallContext, KiroClient } from '../upstream/kiro-client.js';
import type { UsageSnapshot } from '../upstream/usage-limits.js';
import { summariseUsageLimits } from '../upstream/usage-limits.js';
import type { AccessTokenProvider } from './access-token-provider.js';
import { describeCredential } from '../upstream/credential.js';
import type { CredentialEntry } from './credential-entry.js';
import type { CredentialPool } from './credential-pool.js';

export interface AccountServiceOptions {
  pool: CredentialPool;
  tokens: AccessTokenProvider;
  client: KiroClient;
  clock: Clock;
  logger: Logger;
  /** Persists tokens after a profileArn was resolved. */
  writeTokens: (entry: CredentialEntry) => Promise<void>;
}

/**
 * Account-level upstream calls that are not chat: usage limits (§7) and profile lookup (§1.2).
 * Usage is fetched on demand, or on a slow timer when configured; polling adds upstream traffic,
 * which is itself a throttling risk, so it is off by default.
 */
export class AccountService {
  private timer: NodeJS.Timeout | undefined;
  /** By entry, not id: a reload can give an id to another account. */
  private readonly pendingUsage = new Map<CredentialEntry, Promise<UsageSnapshot>>();

  constructor(private readonly options: AccountServiceOptions) {}

  /** Fetches getUsageLimits for one account and applies it (balance, plan, email, quota reset). */
  refreshUsage(entry: CredentialEntry): Promise<UsageSnapshot> {
    let pending = this.pendingUsage.get(entry);
    if (!pending) {
      pending = this.fetchUsage(entry).finally(() => this.pendingUsage.delete(entry));
      this.pendingUsage.set(entry, pending);
    }
    return pending;
  }

  /** Refreshes usage in the background, logging failures; used after a 402. */
  refreshUsageInBackground(entry: CredentialEntry): void {
    this.refreshUsage(entry).catch((error: unknown) => {
      this.options.logger.warn(
        { credential: describeCredential(entry.spec), error: (error as Error).message },
        'usage limits lookup failed',
      );
    });
  }

  /** The runtime host needs a profileArn for every auth type (§1.2); look it up once via listAvailableProfiles. */
  async ensureProfileArn(entry: CredentialEntry, context: KiroCallContext): Promise<void> {
    if (entry.spec.endpoint !== 'runtime' || entry.tokens.profileArn) return;
    const profiles = await this.options.client.listAvailableProfiles(context);
    const profile = profiles.find((candidate) => candidate.status !== 'INACTIVE') ?? profiles[0];
    if (!profile) return;
    entry.tokens = { ...entry.tokens, profileArn: profile.arn };
    this.options.logger.info({ credential: describeCredential(entry.spec) }, 'profileArn resolved');
    await this.options.writeTokens(entry);
  }

  startPolling(intervalMs: number): void {
    this.stopPolling();
    if (intervalMs <= 0) return;
    this.timer = setInterval(() => {
      for (const entry of this.options.pool.list()) {
        if (entry.status.kind === 'disabled' && entry.status.until === undefined) continue;
        this.refreshUsageInBackground(entry);
      }
    }, intervalMs);
    this.timer.unref();
  }

  stopPolling(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async fetchUsage(entry: CredentialEntry): Promise<UsageSnapshot> {
    const { tokens, client, clock, pool } = this.options;
    const accessToken = await tokens.getAccessToken(entry);
    const context: KiroCallContext = { spec: entry.spec, accessToken, profileArn: entry.tokens.profileArn };
    const snapshot = summariseUsageLimits(await client.getUsageLimits(context), clock.now());
    entry.usage = snapshot;
    entry.creditsSinceSnapshot = 0;
    const status = entry.status;
    if (
      status.kind === 'disabled' &&
      status.reason === 'quota_exhausted' &&
      snapshot.nextResetAt !== undefined
    ) {
      // The reset date from usage limits is the authoritative end of a quota disable.
      entry.status = { ...status, until: snapshot.nextResetAt };
    }
    pool.changed(entry);
    return snapshot;
  }
}
