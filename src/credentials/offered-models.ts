import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { KiroCallContext, KiroClient } from '../upstream/kiro-client.js';
import type { AccessTokenProvider } from './access-token-provider.js';
import { describeCredential } from '../upstream/credential.js';
import type { CredentialEntry } from './credential-entry.js';

export interface OfferedModelsOptions {
  client: KiroClient;
  tokens: AccessTokenProvider;
  clock: Clock;
  logger: Logger;
  /** `modelListRefreshSeconds` in ms; 0 = fetch again only when Kiro refuses a model. */
  refreshMs: () => number;
}

interface CachedList {
  /** Undefined when no fetch has succeeded yet. */
  ids: readonly string[] | undefined;
  /** When the list is fetched again on the next use. */
  staleAt: number;
}

/** A failed fetch is retried no sooner than this, so a broken endpoint costs one call a minute at most. */
const RETRY_AFTER_FAILURE_MS = 60_000;
/** An access token this close to expiry is left to the request path, which refreshes it. */
const TOKEN_MARGIN_MS = 60_000;

/**
 * The models each account offers (ListAvailableModels, protocol §3.12), cached per account. A list is
 * fetched on first need, again in the background once `refreshMs` old, and at once when Kiro refuses a
 * model from it (INVALID_MODEL_ID). Entries replaced by a reload start without a list.
 */
export class OfferedModels {
  private readonly lists = new WeakMap<CredentialEntry, CachedList>();
  private readonly pending = new WeakMap<CredentialEntry, Promise<readonly string[] | undefined>>();

  constructor(private readonly options: OfferedModelsOptions) {}

  /** The cached list (a stale one is fetched again in the background); awaited only when never fetched. */
  get(
    entry: CredentialEntry,
    context: KiroCallContext,
  ): readonly string[] | undefined | Promise<readonly string[] | undefined> {
    const cached = this.lists.get(entry);
    if (cached === undefined) return this.refresh(entry, context);
    if (cached.staleAt <= this.options.clock.now()) void this.refresh(entry, context);
    return cached.ids;
  }

  /** The last list fetched, without any upstream call. */
  known(entry: CredentialEntry): readonly string[] | undefined {
    return this.lists.get(entry)?.ids;
  }

  /** Fetches the list now (sharing a fetch under way); resolves to the previous list when that fails. */
  refresh(entry: CredentialEntry, context: KiroCallContext): Promise<readonly string[] | undefined> {
    let pending = this.pending.get(entry);
    if (!pending) {
      pending = this.fetch(entry, context).finally(() => this.pending.delete(entry));
      this.pending.set(entry, pending);
    }
    return pending;
  }

  /**
   * Fetches the lists not fetched yet, resolving when they are in. At start (`refreshTokens` false) only
   * accounts holding a usable access token are asked, so starting never refreshes a token.
   */
  async warm(entries: readonly CredentialEntry[], refreshTokens = false): Promise<void> {
    const pending = entries.filter((entry) => entry.status.kind !== 'disabled' && !this.lists.has(entry));
    await Promise.all(
      pending.map(async (entry) => {
        const accessToken = refreshTokens
          ? await this.options.tokens.getAccessToken(entry).catch(() => undefined)
          : this.usableToken(entry);
        if (accessToken === undefined) return;
        await this.refresh(entry, { spec: entry.spec, accessToken, profileArn: entry.tokens.profileArn });
      }),
    );
  }

  private usableToken(entry: CredentialEntry): string | undefined {
    if (entry.spec.authMethod === 'api_key') return entry.spec.kiroApiKey;
    const { accessToken, expiresAt } = entry.tokens;
    return expiresAt !== undefined && expiresAt - this.options.clock.now() > TOKEN_MARGIN_MS
      ? accessToken
      : undefined;
  }

  private async fetch(
    entry: CredentialEntry,
    context: KiroCallContext,
  ): Promise<readonly string[] | undefined> {
    const { client, clock, logger } = this.options;
    const previous = this.lists.get(entry)?.ids;
    try {
      // Shared by every request waiting for it: one client going away must not cancel it.
      const models = await client.listAvailableModels({ ...context, signal: undefined });
      const ids = models.map((model) => model.modelId);
      const refreshMs = this.options.refreshMs();
      const staleAt = refreshMs > 0 ? clock.now() + refreshMs : Number.POSITIVE_INFINITY;
      this.lists.set(entry, { ids, staleAt });
      logger.debug({ credential: describeCredential(entry.spec), models: ids }, 'offered models learned');
      return ids;
    } catch (error) {
      logger.warn(
        { credential: describeCredential(entry.spec), error: (error as Error).message },
        'ListAvailableModels failed; sending model names as resolved',
      );
      this.lists.set(entry, { ids: previous, staleAt: clock.now() + RETRY_AFTER_FAILURE_MS });
      return previous;
    }
  }
}
