// Simulated Kiro accounts: what tests create, patch and read back.

import type { SimModelChoice } from './model-catalog.js';
import type { SimHttpError } from './upstream-errors.js';

export type SimAuthMethod = 'social' | 'idc' | 'api_key';
export type SimTier = 'FREE' | 'PRO' | 'PRO_PLUS' | 'POWER';

export interface SimThrottle {
  message?: string;
  reason?: string | null;
  /** Sent as `Retry-After`. */
  retryAfterSeconds?: number;
  /** Lift the throttle after this many seconds of simulator-clock time; otherwise it stays until patched. */
  durationSeconds?: number;
}

export interface SimFreeTrial {
  status?: 'ACTIVE' | 'EXPIRED';
  usageLimit: number;
  currentUsage?: number;
  /** Epoch milliseconds; default 30 days after the account is created. */
  expiresAt?: number;
}

export interface SimBonus {
  bonusCode: string;
  displayName?: string;
  description?: string;
  status?: 'ACTIVE' | 'EXHAUSTED' | 'EXPIRED';
  usageLimit: number;
  currentUsage?: number;
  /** Epoch milliseconds. */
  expiresAt?: number;
  redeemedAt?: number;
}

export interface AddAccountOptions {
  /** Default `acct-1`, `acct-2`, … */
  id?: string;
  authMethod: SimAuthMethod;
  /** Default PRO. */
  tier?: SimTier;
  email?: string;
  /**
   * Default: the shared social ARN for social accounts, a generated enterprise ARN for idc,
   * none for api_key. `null` = no profile (Builder ID): listAvailableProfiles answers 403.
   */
  profileArn?: string | null;
  /** Access-token lifetime; default 3600. */
  expiresInSeconds?: number;
  /** Social refresh returns a new refresh token and retires the old one; default false. */
  rotateSocialRefreshTokens?: boolean;
  /** Monthly credits; default by tier (FREE 50, PRO 1000, PRO_PLUS 2000, POWER 10000). */
  usageLimit?: number;
  currentUsage?: number;
  freeTrial?: SimFreeTrial;
  bonuses?: SimBonus[];
  /** Fixed credentials instead of generated ones (e.g. to match a fixture file). */
  refreshToken?: string;
  clientId?: string;
  clientSecret?: string;
  apiKey?: string;
  /** Issue an access token at creation (social/idc); default true. */
  issueAccessToken?: boolean;
  suspended?: boolean;
  revoked?: boolean;
  throttled?: SimThrottle | null;
  quotaExhausted?: boolean;
  /** IdC client registration expired: /token answers invalid_client. */
  clientExpired?: boolean;
  /** Every refresh of this account answers this error (e.g. a 500 from the auth host). */
  refreshFault?: SimHttpError | null;
  /**
   * The models this account is offered (ListAvailableModels; other ids get INVALID_MODEL_ID): catalog
   * ids or own specs. Default (or null in a patch): every model of the simulator's catalog.
   */
  models?: SimModelChoice[] | null;
}

/** What a patch may change (the creation options minus identity and credentials), plus two one-shot actions. */
export type SimAccountPatch = Partial<
  Omit<
    AddAccountOptions,
    | 'id'
    | 'authMethod'
    | 'refreshToken'
    | 'clientId'
    | 'clientSecret'
    | 'apiKey'
    | 'issueAccessToken'
    | 'freeTrial'
  >
> & {
  freeTrial?: SimFreeTrial | null;
  /** Invalidate every access token issued so far (upstream-side revocation, gotcha #10). */
  invalidateAccessTokens?: boolean;
  /** Make the current access tokens expire now. */
  expireAccessTokens?: boolean;
};

/** A snapshot of one account; call `simulator.account(id)` again for the current state. */
export interface SimAccount {
  id: string;
  authMethod: SimAuthMethod;
  tier: SimTier;
  email: string;
  userId: string;
  profileArn: string | undefined;
  /** The refresh token that works now (social, idc). */
  refreshToken: string | undefined;
  clientId: string | undefined;
  clientSecret: string | undefined;
  /** `ksk_…`, used directly as the bearer with `tokentype: API_KEY`. */
  apiKey: string | undefined;
  /** The most recently issued access token. */
  accessToken: string | undefined;
  /** Epoch milliseconds. */
  accessTokenExpiresAt: number | undefined;
  expiresInSeconds: number;
  rotateSocialRefreshTokens: boolean;
  usageLimit: number;
  /** Base-plan credits used (precise). */
  currentUsage: number;
  freeTrial: SimFreeTrial | undefined;
  bonuses: SimBonus[];
  suspended: boolean;
  revoked: boolean;
  throttled: SimThrottle | undefined;
  /** Epoch ms when a `durationSeconds` throttle lifts. */
  throttledUntil: number | undefined;
  quotaExhausted: boolean;
  clientExpired: boolean;
  refreshFault: SimHttpError | undefined;
  /** Undefined: the whole catalog. */
  models: SimModelChoice[] | undefined;
  refreshCount: number;
  chatCount: number;
}

export const DEFAULT_SOCIAL_PROFILE_ARN = 'arn:aws:codewhisperer:us-east-1:699475941385:profile/EHGA3GRVQMUK';

export const TIER_USAGE_LIMITS: Record<SimTier, number> = {
  FREE: 50,
  PRO: 1000,
  PRO_PLUS: 2000,
  POWER: 10000,
};
