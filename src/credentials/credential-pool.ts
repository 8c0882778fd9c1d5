import type { Clock } from '../shared/clock.js';
import { isFreeTier } from '../upstream/usage-limits.js';
import type { CredentialEntry } from './credential-entry.js';
import type { PoolAvailability } from './pool-availability.js';
import { PoolUnavailableError, describeUnavailability, unavailableVerdict } from './pool-availability.js';
import type { SelectionCandidate, SelectionPolicy } from './select-credential.js';
import { selectCredential } from './select-credential.js';

/** What a request needs from an account. */
export interface ModelRequirement {
  kiroModelId: string;
  family: string;
}

export interface SelectRequest {
  model: ModelRequirement;
  sessionId?: string | undefined;
  /** Accounts this request may not use again. */
  exclude?: ReadonlySet<number>;
}

export interface CredentialPoolOptions {
  clock: Clock;
  policy: SelectionPolicy;
  random?: () => number;
  /** How long a session stays bound to its account after its last request. */
  stickyTtlMs?: number;
  /** Called whenever an entry's persisted state changes. */
  onChange?: (entry: CredentialEntry) => void;
  /** Longest wait for an account worth a retryable error (`maxRetryWaitSeconds`); default 60 s. */
  maxRetryWaitMs?: number;
}

const AUTO_HEALABLE = new Set(['too_many_failures']);

/** The accounts and which one serves each request (README "Credential pool"). */
export class CredentialPool {
  private readonly byId = new Map<number, CredentialEntry>();
  private readonly sticky = new Map<string, { id: number; at: number }>();
  private lastRoundRobinId: number | undefined;
  private policyValue: SelectionPolicy;
  private maxRetryWaitMs: number;

  constructor(
    entries: CredentialEntry[],
    private readonly options: CredentialPoolOptions,
  ) {
    for (const entry of entries) this.byId.set(entry.id, entry);
    this.policyValue = options.policy;
    this.maxRetryWaitMs = options.maxRetryWaitMs ?? 60_000;
  }

  get policy(): SelectionPolicy {
    return this.policyValue;
  }

  setPolicy(policy: SelectionPolicy): void {
    this.policyValue = policy;
  }

  setMaxRetryWait(ms: number): void {
    this.maxRetryWaitMs = ms;
  }

  list(): CredentialEntry[] {
    return [...this.byId.values()];
  }

  get(id: number): CredentialEntry | undefined {
    return this.byId.get(id);
  }

  add(entry: CredentialEntry): void {
    this.byId.set(entry.id, entry);
  }

  remove(id: number): void {
    this.byId.delete(id);
  }

  /** Swaps in a new set of entries (hot reload); requests in flight keep their entry objects. */
  replaceAll(entries: CredentialEntry[]): void {
    this.byId.clear();
    for (const entry of entries) this.byId.set(entry.id, entry);
  }

  /** Free accounts are never chosen for Opus (§7); accounts refused a model are not asked again. */
  allowsModel(entry: CredentialEntry, model: ModelRequirement): boolean {
    if (entry.deniedModels.has(model.kiroModelId)) return false;
    if (model.family !== 'opus') return true;
    const title = entry.usage?.subscriptionTitle ?? entry.spec.subscriptionTitle;
    return !isFreeTier(title, entry.usage?.subscriptionType);
  }

  select(request: SelectRequest): CredentialEntry | undefined {
    const now = this.options.clock.now();
    let eligible = this.eligible(request, now);
    if (eligible.length === 0 && this.healAutoDisabled()) eligible = this.eligible(request, now);
    const candidates: SelectionCandidate[] = eligible.map((entry) => ({
      id: entry.id,
      priority: entry.spec.priority,
      requests: entry.counters.requests,
      remainingCredits:
        entry.usage === undefined ? undefined : entry.usage.remaining - entry.creditsSinceSnapshot,
    }));
    const stickyBinding = request.sessionId ? this.sticky.get(request.sessionId) : undefined;
    const ttl = this.options.stickyTtlMs ?? 60 * 60 * 1000;
    const stickyId = stickyBinding && now - stickyBinding.at < ttl ? stickyBinding.id : undefined;
    const chosen = selectCredential({
      candidates,
      policy: this.policyValue,
      lastRoundRobinId: this.lastRoundRobinId,
      stickyId,
      random: this.options.random ?? Math.random,
    });
    if (!chosen) return undefined;
    // A session returning to its account is not a round-robin turn: moving the cursor back to it
    // would hand the next new session an account another session already holds.
    const stickyHit = this.policyValue.sticky && chosen.id === stickyId;
    if (this.policyValue.mode === 'round-robin' && !stickyHit) this.lastRoundRobinId = chosen.id;
    if (this.policyValue.sticky && request.sessionId) {
      this.sticky.delete(request.sessionId);
      this.sticky.set(request.sessionId, { id: chosen.id, at: now });
      this.forgetIdleSessions(now - ttl);
    }
    return this.byId.get(chosen.id);
  }

  /** Bindings are kept in last-use order, so idle ones sit at the front. */
  private forgetIdleSessions(before: number): void {
    for (const [session, binding] of this.sticky) {
      if (binding.at >= before) break;
      this.sticky.delete(session);
    }
  }

  /** Whether `select` would find an account, without choosing one (no round-robin or sticky side effects). */
  hasCandidate(request: SelectRequest): boolean {
    return this.eligible(request, this.options.clock.now()).length > 0;
  }

  /**
   * The error for "no account can take this request now", naming each account's reason (README
   * "Errors"): 403 when none frees up within `maxRetryWaitMs`, so clients do not retry in vain;
   * else 429 (only throttling in the way) or 503, with `retry-after`.
   */
  unavailableError(request: SelectRequest): PoolUnavailableError {
    const now = this.options.clock.now();
    const all = this.list();
    for (const entry of all) entry.settle(now);
    if (all.length === 0) {
      return new PoolUnavailableError(
        'permission_error',
        403,
        'No Kiro credentials are configured. Add an account to credentials.json (see README).',
        [],
      );
    }
    const { kiroModelId } = request.model;
    const accounts = all.map((entry) =>
      describeUnavailability(entry, now, {
        id: kiroModelId,
        allowed: this.allowsModel(entry, request.model),
        free: !entry.deniedModels.has(kiroModelId),
      }),
    );
    return unavailableVerdict(accounts, now, this.maxRetryWaitMs);
  }

  /** The pool as `/health` reports it: `down` when nothing frees up within `maxRetryWaitMs`. */
  availability(): PoolAvailability {
    const now = this.options.clock.now();
    const all = this.list();
    const unavailable = all
      .filter((entry) => !entry.isAvailable(now))
      .map((entry) => describeUnavailability(entry, now));
    const counts = { total: all.length, available: all.length - unavailable.length };
    if (all.length === 0) return { status: 'no-credentials', ...counts, unavailable };
    if (counts.available > 0) return { status: 'ok', ...counts, unavailable };
    const error = unavailableVerdict(unavailable, now, this.maxRetryWaitMs);
    return {
      status: error.status === 403 ? 'down' : 'degraded',
      ...counts,
      message: error.message,
      unavailable,
    };
  }

  /** Persists an entry's state; one a reload dropped (a request still finishing on it) is not written. */
  changed(entry: CredentialEntry): void {
    if (this.byId.get(entry.id) !== entry) return;
    this.options.onChange?.(entry);
  }

  private eligible(request: SelectRequest, now: number): CredentialEntry[] {
    return this.list().filter(
      (entry) =>
        !request.exclude?.has(entry.id) && entry.isAvailable(now) && this.allowsModel(entry, request.model),
    );
  }

  /** kiro.rs gotcha 12: if every account was auto-disabled for failures, re-enable them rather than deadlock. */
  private healAutoDisabled(): boolean {
    const entries = this.list().filter(
      (entry) => !(entry.status.kind === 'disabled' && entry.status.reason === 'manual'),
    );
    const allAuto =
      entries.length > 0 &&
      entries.every((entry) => entry.status.kind === 'disabled' && AUTO_HEALABLE.has(entry.status.reason));
    if (!allAuto) return false;
    for (const entry of entries) {
      entry.status = { kind: 'active' };
      entry.consecutiveFailures = 0;
      this.changed(entry);
    }
    return true;
  }
}
