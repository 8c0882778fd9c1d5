import { createHash } from 'node:crypto';

// Request headers per protocol §2.1 (chat) and §2.2 (other endpoints). The upstream validates
// none of them but Authorization; they mimic the Kiro IDE, so one account keeps one fingerprint.

export const AWS_SDK_JS_VERSION = '1.0.34';
export const SYSTEM_VERSIONS = ['darwin#24.6.0', 'win32#10.0.22631'] as const;

export interface ClientIdentity {
  kiroVersion: string;
  nodeVersion: string;
  /** Unset in config: chosen per machine id, so it never changes for one account. */
  systemVersion: string | undefined;
  machineId: string;
}

export interface BearerAuth {
  token: string;
  /** Kiro API keys (`ksk_…`) are sent with `tokentype: API_KEY`. */
  isApiKey: boolean;
}

export type Headers = Record<string, string>;

/** kiro.rs picks one of two at random; we pick one per machine id, so it is stable per account. */
export function systemVersionFor(identity: ClientIdentity): string {
  if (identity.systemVersion) return identity.systemVersion;
  const byte = createHash('sha256').update(identity.machineId).digest()[0]!;
  return SYSTEM_VERSIONS[byte % SYSTEM_VERSIONS.length]!;
}

function authorization(auth: BearerAuth): Headers {
  const headers: Headers = { authorization: `Bearer ${auth.token}` };
  if (auth.isApiKey) headers.tokentype = 'API_KEY';
  return headers;
}

function kiroTag(identity: ClientIdentity): string {
  return `KiroIDE-${identity.kiroVersion}-${identity.machineId}`;
}

/** generateAssistantResponse (§2.1). */
export function chatHeaders(identity: ClientIdentity, auth: BearerAuth, invocationId: string): Headers {
  const tag = kiroTag(identity);
  return {
    'content-type': 'application/json',
    'x-amzn-codewhisperer-optout': 'true',
    'x-amzn-kiro-agent-mode': 'vibe',
    'x-amz-user-agent': `aws-sdk-js/${AWS_SDK_JS_VERSION} ${tag}`,
    'user-agent':
      `aws-sdk-js/${AWS_SDK_JS_VERSION} ua/2.1 os/${systemVersionFor(identity)} lang/js ` +
      `md/nodejs#${identity.nodeVersion} api/codewhispererstreaming#${AWS_SDK_JS_VERSION} m/E ${tag}`,
    'amz-sdk-invocation-id': invocationId,
    'amz-sdk-request': 'attempt=1; max=3',
    ...authorization(auth),
  };
}

/** /mcp (§2.2): chat headers without opt-out and agent mode, plus the profile ARN. */
export function mcpHeaders(
  identity: ClientIdentity,
  auth: BearerAuth,
  invocationId: string,
  profileArn: string | undefined,
): Headers {
  const {
    'x-amzn-codewhisperer-optout': _optout,
    'x-amzn-kiro-agent-mode': _mode,
    ...headers
  } = chatHeaders(identity, auth, invocationId);
  if (profileArn) headers['x-amzn-kiro-profile-arn'] = profileArn;
  return headers;
}

/** getUsageLimits, ListAvailableModels, listAvailableProfiles (§2.2, kiro.rs form). */
export function runtimeHeaders(identity: ClientIdentity, auth: BearerAuth, invocationId: string): Headers {
  const tag = kiroTag(identity);
  return {
    'x-amz-user-agent': `aws-sdk-js/1.0.0 ${tag}`,
    'user-agent':
      `aws-sdk-js/1.0.0 ua/2.1 os/${systemVersionFor(identity)} lang/js ` +
      `md/nodejs#${identity.nodeVersion} api/codewhispererruntime#1.0.0 m/N,E ${tag}`,
    'amz-sdk-invocation-id': invocationId,
    'amz-sdk-request': 'attempt=1; max=1',
    ...authorization(auth),
  };
}

/**
 * Social refresh on the Kiro auth host (§2.2). kiro.rs also sends `accept-encoding: gzip, …`; we
 * leave it out because undici's request() does not decompress, and the host does not require it.
 */
export function socialRefreshHeaders(identity: ClientIdentity): Headers {
  return {
    accept: 'application/json, text/plain, */*',
    'content-type': 'application/json',
    'user-agent': kiroTag(identity),
  };
}

/** IdC / Builder ID refresh on AWS SSO-OIDC (§2.2). */
export function idcRefreshHeaders(identity: ClientIdentity, invocationId: string): Headers {
  return {
    'content-type': 'application/json',
    'x-amz-user-agent': 'aws-sdk-js/3.980.0 KiroIDE',
    'user-agent':
      `aws-sdk-js/3.980.0 ua/2.1 os/${systemVersionFor(identity)} lang/js ` +
      `md/nodejs#${identity.nodeVersion} api/sso-oidc#3.980.0 m/E KiroIDE`,
    'amz-sdk-invocation-id': invocationId,
    'amz-sdk-request': 'attempt=1; max=4',
  };
}
