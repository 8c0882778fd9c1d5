// Accounts and the tokens the simulator issues, checks, refreshes and rotates (protocol §6).

import type { Clock } from '../shared/clock.js';
import type { AddAccountOptions, SimAccount, SimAccountPatch, SimAuthMethod } from './sim-account.js';
import { DEFAULT_SOCIAL_PROFILE_ARN, TIER_USAGE_LIMITS } from './sim-account.js';
import type { SeededRandom } from './seeded-random.js';

/** The mutable record behind a SimAccount snapshot. */
export interface AccountRecord extends SimAccount {
  /** Bumped to invalidate every access token issued before. */
  tokenGeneration: number;
}

interface AccessTokenEntry {
  accountId: string;
  expiresAt: number;
  generation: number;
}

interface RefreshTokenEntry {
  accountId: string;
  /** False once rotated away: replaying it is `invalid_grant`. */
  active: boolean;
}

/** A JSON answer of the auth hosts. */
export interface AuthAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  accountId?: string;
}

const INVALID_GRANT: AuthAnswer = {
  status: 400,
  body: { error: 'invalid_grant', error_description: 'Invalid refresh token provided' },
};
const INVALID_CLIENT: AuthAnswer = {
  status: 400,
  body: { error: 'invalid_client', error_description: 'Invalid client provided' },
};
const DEFAULT_EXPIRES_IN = 3600;

export class TokenStore {
  private readonly accounts = new Map<string, AccountRecord>();
  private readonly accessTokens = new Map<string, AccessTokenEntry>();
  private readonly refreshTokens = new Map<string, RefreshTokenEntry>();
  private nextId = 1;

  constructor(
    private readonly clock: Clock,
    private readonly random: SeededRandom,
  ) {}

  add(options: AddAccountOptions): AccountRecord {
    const id = options.id ?? this.unusedId();
    if (this.accounts.has(id)) throw new Error(`simulator account "${id}" already exists`);
    const tier = options.tier ?? 'PRO';
    const number = this.accounts.size + 1;
    const record: AccountRecord = {
      id,
      authMethod: options.authMethod,
      tier,
      email: options.email ?? `user${number}@example.com`,
      userId: `d-${this.random.string(10, '0123456789')}.${this.random.uuid()}`,
      profileArn: this.initialProfileArn(options),
      refreshToken: undefined,
      clientId: undefined,
      clientSecret: undefined,
      apiKey: undefined,
      accessToken: undefined,
      accessTokenExpiresAt: undefined,
      expiresInSeconds: options.expiresInSeconds ?? DEFAULT_EXPIRES_IN,
      rotateSocialRefreshTokens: options.rotateSocialRefreshTokens ?? false,
      usageLimit: options.usageLimit ?? TIER_USAGE_LIMITS[tier],
      currentUsage: options.currentUsage ?? 0,
      freeTrial: options.freeTrial
        ? {
            ...options.freeTrial,
            expiresAt: options.freeTrial.expiresAt ?? this.clock.now() + 30 * 86_400_000,
          }
        : undefined,
      bonuses: (options.bonuses ?? []).map((bonus) => ({ ...bonus })),
      suspended: options.suspended ?? false,
      revoked: options.revoked ?? false,
      throttled: options.throttled ?? undefined,
      throttledUntil: undefined,
      quotaExhausted: options.quotaExhausted ?? false,
      clientExpired: options.clientExpired ?? false,
      refreshFault: options.refreshFault ?? undefined,
      models: options.models ? structuredClone(options.models) : undefined,
      refreshCount: 0,
      chatCount: 0,
      tokenGeneration: 0,
    };
    this.setThrottle(record, record.throttled);
    if (options.authMethod === 'api_key') {
      record.apiKey = options.apiKey ?? `ksk_${this.random.alphanumeric(48)}`;
    } else {
      this.setRefreshToken(record, options.refreshToken ?? this.newRefreshToken());
      if (options.authMethod === 'idc') {
        // The clientId base64url-decodes to text ending in the registration region (§1.4).
        record.clientId =
          options.clientId ?? Buffer.from(`${this.random.alphanumeric(16)}us-east-1`).toString('base64url');
        record.clientSecret = options.clientSecret ?? `eyJraWQiOiJrZXktMTU2NDAy${this.random.string(240)}`;
      }
      if (options.issueAccessToken ?? true) this.issueAccessToken(record);
    }
    this.accounts.set(id, record);
    return record;
  }

  get(id: string): AccountRecord | undefined {
    return this.accounts.get(id);
  }

  all(): AccountRecord[] {
    return [...this.accounts.values()];
  }

  patch(id: string, patch: SimAccountPatch): AccountRecord | undefined {
    const record = this.accounts.get(id);
    if (!record) return undefined;
    const {
      invalidateAccessTokens,
      expireAccessTokens,
      throttled,
      freeTrial,
      profileArn,
      refreshFault,
      models,
      ...fields
    } = patch;
    Object.assign(record, stripUndefined(fields));
    if (throttled !== undefined) this.setThrottle(record, throttled ?? undefined);
    if (freeTrial !== undefined) record.freeTrial = freeTrial ?? undefined;
    if (profileArn !== undefined) record.profileArn = profileArn ?? undefined;
    if (refreshFault !== undefined) record.refreshFault = refreshFault ?? undefined;
    if (models !== undefined) record.models = models ? structuredClone(models) : undefined;
    if (patch.bonuses) record.bonuses = patch.bonuses.map((bonus) => ({ ...bonus }));
    if (invalidateAccessTokens) record.tokenGeneration++;
    if (expireAccessTokens) {
      const now = this.clock.now();
      for (const entry of this.accessTokens.values()) {
        if (entry.accountId === id) entry.expiresAt = Math.min(entry.expiresAt, now);
      }
      if (record.accessTokenExpiresAt !== undefined)
        record.accessTokenExpiresAt = Math.min(record.accessTokenExpiresAt, now);
    }
    return record;
  }

  /** The account behind an `Authorization: Bearer …` header, or undefined (→ 403 bearer invalid). */
  authenticate(
    authorization: string | undefined,
    tokenType: string | undefined,
    requireApiKeyTokenType: boolean,
  ): AccountRecord | undefined {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    const token = match?.[1];
    if (token === undefined) return undefined;
    if (token.startsWith('ksk_')) {
      const record = this.all().find((account) => account.apiKey === token);
      if (!record || record.revoked) return undefined;
      if (requireApiKeyTokenType && tokenType?.toUpperCase() !== 'API_KEY') return undefined;
      return record;
    }
    const entry = this.accessTokens.get(token);
    const record = entry && this.accounts.get(entry.accountId);
    if (!entry || !record || record.revoked) return undefined;
    if (entry.generation !== record.tokenGeneration || entry.expiresAt <= this.clock.now()) return undefined;
    return record;
  }

  /** POST /refreshToken on the Kiro auth host (§6.1). */
  refreshSocial(body: unknown): AuthAnswer {
    const refreshToken = stringField(body, 'refreshToken');
    if (refreshToken === undefined) {
      return {
        status: 400,
        body: { error: 'invalid_request', error_description: 'refreshToken is required' },
      };
    }
    const record = this.liveRefreshOwner(refreshToken, 'social');
    if (!record) return INVALID_GRANT;
    const fault = this.refreshFault(record);
    if (fault) return fault;
    if (record.rotateSocialRefreshTokens) this.rotate(record, refreshToken);
    this.issueAccessToken(record);
    return {
      status: 200,
      accountId: record.id,
      body: {
        accessToken: record.accessToken,
        refreshToken: record.refreshToken,
        ...(record.profileArn === undefined ? {} : { profileArn: record.profileArn }),
        expiresIn: record.expiresInSeconds,
      },
    };
  }

  /** POST /token on the SSO-OIDC host (§6.2): refresh tokens rotate and are single-use. */
  refreshIdc(body: unknown): AuthAnswer {
    const grantType = stringField(body, 'grantType');
    const clientId = stringField(body, 'clientId');
    const clientSecret = stringField(body, 'clientSecret');
    const refreshToken = stringField(body, 'refreshToken');
    if (grantType !== 'refresh_token') {
      return {
        status: 400,
        body: { error: 'unsupported_grant_type', error_description: 'Unsupported grant type' },
      };
    }
    if (clientId === undefined || clientSecret === undefined || refreshToken === undefined) {
      return {
        status: 400,
        body: { error: 'invalid_request', error_description: 'Missing required parameter' },
      };
    }
    const client = this.all().find((account) => account.clientId === clientId);
    if (!client || client.clientSecret !== clientSecret || client.clientExpired) return INVALID_CLIENT;
    const record = this.liveRefreshOwner(refreshToken, 'idc');
    if (!record || record.id !== client.id) return INVALID_GRANT;
    const fault = this.refreshFault(record);
    if (fault) return fault;
    this.rotate(record, refreshToken);
    this.issueAccessToken(record);
    return {
      status: 200,
      accountId: record.id,
      body: {
        accessToken: record.accessToken,
        refreshToken: record.refreshToken,
        expiresIn: record.expiresInSeconds,
        tokenType: 'Bearer',
      },
    };
  }

  /** True while a throttle is in force; lifts timed throttles as the clock passes them. */
  isThrottled(record: AccountRecord): boolean {
    if (!record.throttled) return false;
    if (record.throttledUntil !== undefined && this.clock.now() >= record.throttledUntil) {
      record.throttled = undefined;
      record.throttledUntil = undefined;
      return false;
    }
    return true;
  }

  private setThrottle(record: AccountRecord, throttle: AccountRecord['throttled']): void {
    record.throttled = throttle;
    record.throttledUntil =
      throttle?.durationSeconds === undefined
        ? undefined
        : this.clock.now() + throttle.durationSeconds * 1000;
  }

  private liveRefreshOwner(token: string, kind: SimAuthMethod): AccountRecord | undefined {
    const entry = this.refreshTokens.get(token);
    const record = entry && this.accounts.get(entry.accountId);
    if (!entry?.active || !record || record.revoked || record.authMethod !== kind) return undefined;
    record.refreshCount++;
    return record;
  }

  private refreshFault(record: AccountRecord): AuthAnswer | undefined {
    const fault = record.refreshFault;
    if (!fault) return undefined;
    return { status: fault.status, body: fault.body ?? '', headers: fault.headers, accountId: record.id };
  }

  private rotate(record: AccountRecord, used: string): void {
    const entry = this.refreshTokens.get(used);
    if (entry) entry.active = false;
    this.setRefreshToken(record, this.newRefreshToken());
  }

  private setRefreshToken(record: AccountRecord, token: string): void {
    record.refreshToken = token;
    this.refreshTokens.set(token, { accountId: record.id, active: true });
  }

  private issueAccessToken(record: AccountRecord): void {
    const token = `aoa${this.random.string(124)}`;
    const expiresAt = this.clock.now() + record.expiresInSeconds * 1000;
    this.accessTokens.set(token, { accountId: record.id, expiresAt, generation: record.tokenGeneration });
    record.accessToken = token;
    record.accessTokenExpiresAt = expiresAt;
  }

  private newRefreshToken(): string {
    return `aor${this.random.string(140)}`;
  }

  private initialProfileArn(options: AddAccountOptions): string | undefined {
    if (options.profileArn !== undefined) return options.profileArn ?? undefined;
    if (options.authMethod === 'social') return DEFAULT_SOCIAL_PROFILE_ARN;
    if (options.authMethod === 'idc') {
      const account = this.random.string(12, '0123456789');
      return `arn:aws:codewhisperer:us-east-1:${account}:profile/${this.random.string(12, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}`;
    }
    return undefined;
  }

  private unusedId(): string {
    while (this.accounts.has(`acct-${this.nextId}`)) this.nextId++;
    return `acct-${this.nextId++}`;
  }
}

function stringField(body: unknown, key: string): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const value = (body as Record<string, unknown>)[key];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}

/** A detached copy for callers (no internal fields). */
export function snapshotAccount(record: AccountRecord): SimAccount {
  const { tokenGeneration: _generation, ...account } = record;
  return structuredClone(account);
}
