// The resolved, in-memory view of one Kiro account (protocol §6).

export type AuthMethod = 'social' | 'idc' | 'api_key';

/** `ide` = q.{region}.amazonaws.com; `runtime` = runtime.{region}.kiro.dev (§1.2). */
export type EndpointKind = 'ide' | 'runtime';

/** Where a credential came from; decides where refreshed tokens are written back. */
export type CredentialOrigin =
  /** kiro.rs credentials.json (object or array). */
  | { kind: 'file'; path: string }
  /** The Kiro IDE's ~/.aws/sso/cache/kiro-auth-token.json, written back in its own shape. */
  | { kind: 'ide-cache'; path: string; clientRegistrationPath?: string }
  /** REFRESH_TOKEN, KIRO_AUTH_TOKEN or KIRO_API_KEY: rotated tokens live in the data directory. */
  | { kind: 'env'; variable: string };

/** How the machine ID was chosen (§2.3): configured, or derived from a key, a refresh token or a random UUID. */
export type MachineIdSource = 'credential' | 'config' | 'api-key' | 'refresh-token' | 'fallback';

/** `direct` bypasses the global proxy; undefined inherits it. */
export type ProxySetting = 'direct' | { url: string; username?: string; password?: string };

export interface CredentialSpec {
  /** Stable numeric id (persisted in credentials.json when it comes from there). */
  id: number;
  /** Key for runtime state (SQLite): survives reloads and id-less sources. */
  stateKey: string;
  authMethod: AuthMethod;
  clientId?: string;
  clientSecret?: string;
  kiroApiKey?: string;
  /** Lower is preferred. */
  priority: number;
  /** Region of the refresh endpoint (§1.4). */
  authRegion: string;
  /** Region of q.{region} / runtime.{region} (§1.4). */
  apiRegion: string;
  /** 64 hex chars (§2.3). */
  machineId: string;
  /** Derived IDs of env / IDE-cache credentials are not written anywhere yet; persist them by stateKey. */
  machineIdSource?: MachineIdSource;
  endpoint: EndpointKind;
  proxy: ProxySetting | undefined;
  /** Disabled by hand in the file. */
  disabled: boolean;
  email?: string;
  subscriptionTitle?: string;
  origin: CredentialOrigin;
}

/** The parts a refresh changes. */
export interface TokenState {
  accessToken?: string;
  refreshToken?: string;
  /** Epoch milliseconds. */
  expiresAt?: number;
  profileArn?: string;
}

export interface LoadedCredential {
  spec: CredentialSpec;
  tokens: TokenState;
}

/** A short, log-safe label: `#3 social` or `#3 social user@example.com`. */
export function describeCredential(spec: CredentialSpec): string {
  return `#${spec.id} ${spec.authMethod}${spec.email ? ` ${spec.email}` : ''}`;
}
