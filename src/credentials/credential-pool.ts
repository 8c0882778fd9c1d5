import type { Clock } from '../shared/clock.js';
import type { GatewayError } from '../shared/errors.js';
import { ApiError, OverloadedError, PermissionError, RateLimitError } from '../shared/errors.js';
import { isFreeTier } from '../upstream/usage-limits.js';
import type { CredentialEntry } from './credential-entry.js';
import { THROTTLED_REASON } from './credential-entry.js';
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
}

const AUTO_HEALABLE = new Set(['too_many_failures']);

function formatWait(now: number, until: number): string {
  const minutes = Math.max(1, Math.ceil((until - now) / 60_000));
  return `${new Date(until).toISOString()} (in ${minutes} min)`;
}

/** The accounts and which one serves each request (README "Credential pool"). */
export class CredentialPool {
  private readonly byId = new Map<number, CredentialEntry>();
  private readonly sticky = new Map<string, { id: number; at: number }>();
  private lastRoundRobinId: number | undefined;
  private policyValue: SelectionPolicy;

  constructor(
    entries: CredentialEntry[],
    private readonly options: CredentialPoolOptions,
  ) {
    for (const entry of entries) this.byId.set(entry.id, entry);
    this.policyValue = options.policy;
  }

  get policy(): SelectionPolicy {
    return this.policyValue;
  }

  setPolicy(policy: SelectionPolicy): void {
    this.policyValue = policy;
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

  /** The error for "no account can take this request now": 403, 429 or 529, saying when one frees up. */
  unavailableError(request: SelectRequest): GatewayError {
    const now = this.options.clock.now();
    const all = this.list();
    for (const entry of all) entry.settle(now);
    if (all.length === 0) {
      return new ApiError(
        'No Kiro credentials are configured. Add accounts to credentials.json (see README).',
        503,
      );
    }
    const forModel = all.filter((entry) => this.allowsModel(entry, request.model));
    if (forModel.length === 0) {
      return new PermissionError(
        `No configured Kiro account may use ${request.model.kiroModelId} (free plans cannot use Opus).`,
      );
    }
    const cooling = forModel.filter((entry) => entry.status.kind === 'cooling');
    const disabled = forModel.filter((entry) => entry.status.kind === 'disabled');
    const ends = forModel
      .map((entry) => (entry.status.kind === 'active' ? undefined : entry.status.until))
      .filter((until): until is number => until !== undefined);
    const next = ends.length > 0 ? Math.min(...ends) : undefined;
    const parts = [
      cooling.length > 0 ? `${cooling.length} cooling down` : '',
      disabled.length > 0
        ? `${disabled.length} disabled (${[...new Set(disabled.map((e) => (e.status.kind === 'disabled' ? e.status.reason : '')))].join(', ')})`
        : '',
      forModel.length - cooling.length - disabled.length > 0 ? 'the rest already tried for this request' : '',
    ].filter(Boolean);
    const when =
      next === undefined
        ? 'No account frees up by itself.'
        : `The next one frees up at ${formatWait(now, next)}.`;
    const message = `All ${forModel.length} Kiro account(s) are unavailable: ${parts.join(', ')}. ${when}`;
    const retryAfterSeconds = next === undefined ? undefined : Math.max(1, Math.ceil((next - now) / 1000));
    const options = retryAfterSeconds === undefined ? {} : { retryAfterSeconds };
    const throttled = cooling.filter(
      (entry) => entry.status.kind === 'cooling' && entry.status.reason === THROTTLED_REASON,
    );
    if (throttled.length === forModel.length) return new RateLimitError(message, options);
    return new OverloadedError(message, options);
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
