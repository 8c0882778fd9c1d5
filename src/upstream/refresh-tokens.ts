import { z } from 'zod';
import type { CredentialSpec } from './credential.js';
import { idcRefreshUrl, socialRefreshUrl } from './kiro-endpoints.js';
import type { KiroClient } from './kiro-client.js';
import { idcRefreshHeaders, socialRefreshHeaders } from './kiro-headers.js';
import type { UpstreamUrlConfig } from './kiro-endpoints.js';
import { UpstreamHttpError, UpstreamNetworkError } from './upstream-error.js';

export interface RefreshedTokens {
  accessToken: string;
  /** Present when the upstream rotated it (always for IdC, §6.2). */
  refreshToken: string | undefined;
  profileArn: string | undefined;
  /** Epoch ms. */
  expiresAt: number;
}

export type RefreshFailureKind =
  /** The refresh token is revoked or already rotated: permanent (§6.1, §6.2, gotcha 15). */
  | 'invalid_grant'
  /** The IdC client registration expired: permanent until re-registered. */
  | 'invalid_client'
  /** Any other answer or a network failure: may succeed later. */
  | 'transient';

export class RefreshError extends Error {
  constructor(
    readonly kind: RefreshFailureKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RefreshError';
  }

  get permanent(): boolean {
    return this.kind !== 'transient';
  }
}

const refreshResponseSchema = z.looseObject({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1).nullish(),
  profileArn: z.string().min(1).nullish(),
  expiresIn: z.number().positive().nullish(),
});

const DEFAULT_EXPIRES_IN_SECONDS = 3600;

export interface RefreshDependencies {
  client: KiroClient;
  urls: UpstreamUrlConfig;
  newId: () => string;
  now: () => number;
}

function classify(error: unknown): RefreshError {
  if (error instanceof UpstreamHttpError) {
    const { oauthError, message } = error.parsed;
    const text = `${oauthError ?? ''} ${message ?? ''} ${error.body}`;
    if (error.status === 400 && /invalid_grant|Invalid refresh token/i.test(text)) {
      return new RefreshError('invalid_grant', 'refresh token rejected (invalid_grant)', { cause: error });
    }
    if (error.status === 400 && /invalid_client/i.test(text)) {
      return new RefreshError('invalid_client', 'client registration rejected (invalid_client)', {
        cause: error,
      });
    }
    return new RefreshError('transient', `refresh failed with HTTP ${error.status}`, { cause: error });
  }
  if (error instanceof UpstreamNetworkError) {
    return new RefreshError('transient', `refresh failed: ${error.code}`, { cause: error });
  }
  return new RefreshError('transient', `refresh failed: ${(error as Error).message}`, { cause: error });
}

async function post(
  deps: RefreshDependencies,
  spec: CredentialSpec,
  url: string,
  headers: Record<string, string>,
  body: unknown,
): Promise<RefreshedTokens> {
  const requestedAt = deps.now();
  let json: unknown;
  try {
    const response = await deps.client.send({
      operation: 'refreshToken',
      method: 'POST',
      url,
      headers,
      body: JSON.stringify(body),
      dispatcher: deps.client.dispatcherFor(spec),
    });
    json = await response.body.json();
  } catch (error) {
    throw classify(error);
  }
  const parsed = refreshResponseSchema.safeParse(json);
  if (!parsed.success) throw new RefreshError('transient', 'refresh answer has no accessToken');
  const data = parsed.data;
  return {
    accessToken: data.accessToken,
    refreshToken: data.refreshToken ?? undefined,
    profileArn: data.profileArn ?? undefined,
    expiresAt: requestedAt + (data.expiresIn ?? DEFAULT_EXPIRES_IN_SECONDS) * 1000,
  };
}

/** Social (Google/GitHub) refresh on the Kiro auth host (§6.1). */
export function refreshSocialToken(
  deps: RefreshDependencies,
  spec: CredentialSpec,
  refreshToken: string,
): Promise<RefreshedTokens> {
  const identity = deps.client.identity(spec);
  return post(deps, spec, socialRefreshUrl(deps.urls, spec), socialRefreshHeaders(identity), {
    refreshToken,
  });
}

/** IdC / Builder ID refresh on AWS SSO-OIDC CreateToken, JSON body (§6.2). */
export function refreshIdcToken(
  deps: RefreshDependencies,
  spec: CredentialSpec,
  refreshToken: string,
): Promise<RefreshedTokens> {
  const identity = deps.client.identity(spec);
  return post(deps, spec, idcRefreshUrl(deps.urls, spec), idcRefreshHeaders(identity, deps.newId()), {
    clientId: spec.clientId,
    clientSecret: spec.clientSecret,
    refreshToken,
    grantType: 'refresh_token',
  });
}
