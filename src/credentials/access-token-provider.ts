import type { Logger } from '../shared/logger.js';
import type { Clock } from '../shared/clock.js';
import type { RefreshedTokens } from '../upstream/refresh-tokens.js';
import { RefreshError } from '../upstream/refresh-tokens.js';
import type { CredentialSpec, TokenState } from '../upstream/credential.js';
import { describeCredential } from '../upstream/credential.js';
import type { CredentialEntry } from './credential-entry.js';

/** Refresh when the token has less than this left (kiro.rs, §6.4). */
export const REFRESH_AHEAD_MS = 10 * 60 * 1000;
/** A token with less than this left is not used even if a refresh fails. */
export const EXPIRED_MARGIN_MS = 60 * 1000;

/**
 * How long to leave the auth host alone after `consecutiveFailures` transient refresh failures: one quick retry
 * is free, then 1 s, doubling up to a minute. Without it every request (and every retry of it) would call a
 * failing auth host again.
 */
export function refreshRetryDelay(consecutiveFailures: number): number {
  if (consecutiveFailures < 2) return 0;
  return Math.min(60_000, 1000 * 2 ** (consecutiveFailures - 2));
}

export interface TokenRefresher {
  social(spec: CredentialSpec, refreshToken: string): Promise<RefreshedTokens>;
  idc(spec: CredentialSpec, refreshToken: string): Promise<RefreshedTokens>;
}

/** `retired`: refresh tokens the account held before, so a hand-edited file entry is not overwritten. */
export type TokenWriter = (
  spec: CredentialSpec,
  tokens: TokenState,
  retired: readonly string[],
) => Promise<void>;

export interface AccessTokenProviderOptions {
  refresher: TokenRefresher;
  writeTokens: TokenWriter;
  clock: Clock;
  logger: Logger;
  /** Called after a credential's tokens or status changed (persist runtime state). */
  onChange?: (entry: CredentialEntry) => void;
}

export interface TokenRequest {
  /** The upstream said the bearer is invalid: refresh even if the clock says it is fresh. */
  force?: boolean;
  /** The token that was rejected; if a refresh already replaced it, no new refresh is made. */
  rejectedToken?: string;
}

/**
 * Hands out access tokens, refreshing ahead of expiry. Concurrent demands on one credential share
 * a single refresh (IdC refresh tokens are single-use, gotcha 13); refreshed tokens are written back
 * at once. A revoked refresh token disables the credential instead of retrying forever (gotcha 15).
 */
export class AccessTokenProvider {
  /** By entry, not id: a reload can give an id to another account while a refresh runs. */
  private readonly inFlight = new Map<CredentialEntry, Promise<void>>();
  /** The last transient refresh failure per account, answered again while its retry delay lasts. */
  private readonly lastFailure = new WeakMap<CredentialEntry, { at: number; error: RefreshError }>();

  constructor(private readonly options: AccessTokenProviderOptions) {}

  async getAccessToken(entry: CredentialEntry, request: TokenRequest = {}): Promise<string> {
    const spec = entry.spec;
    if (spec.authMethod === 'api_key') {
      if (!spec.kiroApiKey) throw new RefreshError('invalid_grant', 'API-key credential has no kiroApiKey');
      return spec.kiroApiKey;
    }
    if (request.force) {
      const replaced =
        request.rejectedToken !== undefined && entry.tokens.accessToken !== request.rejectedToken;
      if (!replaced) await this.refresh(entry);
      return this.current(entry);
    }
    if (this.needsRefresh(entry.tokens)) {
      try {
        await this.refresh(entry);
      } catch (error) {
        if (error instanceof RefreshError && !error.permanent && this.stillUsable(entry.tokens)) {
          this.options.logger.warn(
            { credential: describeCredential(spec), error: error.message },
            'token refresh failed; using the current token until it expires',
          );
          return this.current(entry);
        }
        throw error;
      }
    }
    return this.current(entry);
  }

  /**
   * Refreshes now, sharing a refresh already under way for this credential. Right after repeated transient
   * failures it fails at once with the last error instead (see refreshRetryDelay).
   */
  refresh(entry: CredentialEntry): Promise<void> {
    let pending = this.inFlight.get(entry);
    if (!pending) {
      const failure = this.lastFailure.get(entry);
      const delay = refreshRetryDelay(entry.consecutiveRefreshFailures);
      if (failure && this.options.clock.now() - failure.at < delay) return Promise.reject(failure.error);
      pending = this.doRefresh(entry).finally(() => this.inFlight.delete(entry));
      this.inFlight.set(entry, pending);
    }
    return pending;
  }

  private needsRefresh(tokens: TokenState): boolean {
    if (!tokens.accessToken || tokens.expiresAt === undefined) return true;
    return tokens.expiresAt - this.options.clock.now() < REFRESH_AHEAD_MS;
  }

  private stillUsable(tokens: TokenState): boolean {
    return (
      tokens.accessToken !== undefined &&
      tokens.expiresAt !== undefined &&
      tokens.expiresAt - this.options.clock.now() > EXPIRED_MARGIN_MS
    );
  }

  private current(entry: CredentialEntry): string {
    const token = entry.tokens.accessToken;
    if (!token) throw new RefreshError('transient', 'no access token after refresh');
    return token;
  }

  private async doRefresh(entry: CredentialEntry): Promise<void> {
    const { spec } = entry;
    const { logger, clock } = this.options;
    const refreshToken = entry.tokens.refreshToken;
    if (!refreshToken) {
      entry.disable('invalid_refresh_token', 'no refresh token configured', clock.now());
      this.options.onChange?.(entry);
      throw new RefreshError('invalid_grant', 'credential has no refresh token');
    }
    let refreshed: RefreshedTokens;
    try {
      refreshed =
        spec.authMethod === 'idc'
          ? await this.options.refresher.idc(spec, refreshToken)
          : await this.options.refresher.social(spec, refreshToken);
    } catch (error) {
      this.onRefreshFailure(entry, error);
      throw error;
    }
    if (refreshed.refreshToken !== undefined && refreshed.refreshToken !== refreshToken) {
      entry.retireRefreshToken(refreshToken);
    }
    entry.tokens = {
      accessToken: refreshed.accessToken,
      refreshToken: refreshed.refreshToken ?? refreshToken,
      expiresAt: refreshed.expiresAt,
      profileArn: refreshed.profileArn ?? entry.tokens.profileArn,
    };
    entry.consecutiveRefreshFailures = 0;
    this.lastFailure.delete(entry);
    logger.info(
      { credential: describeCredential(spec), rotated: refreshed.refreshToken !== undefined },
      'access token refreshed',
    );
    this.options.onChange?.(entry);
    await this.writeBack(entry);
  }

  /**
   * Writes the entry's current tokens where it came from (also after a reload found a token it rotated away
   * from: an older copy of the file saved over the write-back). Failures are logged, not thrown.
   */
  async writeBack(entry: CredentialEntry): Promise<void> {
    try {
      // The entry's spec now: a reload during the refresh may have moved the account to another id.
      await this.options.writeTokens(entry.spec, entry.tokens, entry.retiredRefreshTokens);
    } catch (error) {
      // The new tokens still work in memory; losing a rotated IdC token on restart is what we warn about.
      this.options.logger.error(
        { credential: describeCredential(entry.spec), error: (error as Error).message },
        'could not write refreshed tokens back; they will be lost on restart',
      );
    }
  }

  private onRefreshFailure(entry: CredentialEntry, error: unknown): void {
    const { logger, clock } = this.options;
    const credential = describeCredential(entry.spec);
    if (error instanceof RefreshError && error.permanent) {
      const reason = error.kind === 'invalid_client' ? 'invalid_client' : 'invalid_refresh_token';
      entry.disable(reason, error.message, clock.now());
      logger.error({ credential, reason }, 'refresh token rejected; credential disabled');
      this.options.onChange?.(entry);
      return;
    }
    entry.consecutiveRefreshFailures += 1;
    if (error instanceof RefreshError) this.lastFailure.set(entry, { at: clock.now(), error });
    logger.warn(
      { credential, failures: entry.consecutiveRefreshFailures, error: (error as Error).message },
      'token refresh failed',
    );
  }
}
