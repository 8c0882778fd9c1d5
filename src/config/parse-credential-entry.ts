import { z } from 'zod';
import type { AuthMethod, EndpointKind, ProxySetting, TokenState } from '../upstream/credential.js';
import { parseExpiry } from '../storage/ide-cache-file.js';
import { PROXY_PROTOCOLS } from '../upstream/http-dispatchers.js';
import { formatZodIssues } from '../shared/format-zod-issues.js';

/** One credential entry after validation, before ids, regions and machine IDs are resolved. */
export interface CredentialDraft {
  authMethod: AuthMethod;
  id?: number;
  tokens: TokenState;
  clientId?: string;
  clientSecret?: string;
  kiroApiKey?: string;
  priority: number;
  /** Auth region (kiro.rs legacy name). */
  region?: string;
  authRegion?: string;
  apiRegion?: string;
  /** As written; normalised by resolveMachineId. */
  machineId?: string;
  email?: string;
  subscriptionTitle?: string;
  proxy: ProxySetting | undefined;
  disabled: boolean;
  endpoint?: EndpointKind;
}

export interface ParsedCredentialEntry {
  draft?: CredentialDraft;
  /** Fatal: the caller throws a ConfigError with all of them. */
  errors: string[];
  /** Log-safe warnings. */
  notices: string[];
}

export interface ParseCredentialEntryOptions {
  /** `[1]` for array entries, empty for a single object. */
  pathPrefix: string;
  /** Display name of a field in messages, e.g. refreshToken → REFRESH_TOKEN for env credentials. */
  fieldName?: (field: string) => string;
}

const text = z.string().optional();

/** kiro.rs §6.5 fields plus the aliases other tools write (kiro2api `auth`, AIClient `idcRegion`, `accountEmail`). */
const credentialEntrySchema = z.looseObject({
  id: z.number().int().min(0).optional(),
  accessToken: text,
  refreshToken: text,
  profileArn: text,
  expiresAt: z
    .union([z.string(), z.number()], { error: 'expected an RFC 3339 date string or an epoch number' })
    .optional(),
  authMethod: text,
  auth: text,
  clientId: text,
  clientSecret: text,
  priority: z.number().int().optional(),
  region: text,
  authRegion: text,
  apiRegion: text,
  idcRegion: text,
  machineId: text,
  email: text,
  accountEmail: text,
  subscriptionTitle: text,
  proxyUrl: text,
  proxyUsername: text,
  proxyPassword: text,
  disabled: z.boolean().optional(),
  kiroApiKey: text,
  endpoint: text,
});

const AUTH_METHOD_ALIASES: Record<string, AuthMethod> = {
  social: 'social',
  idc: 'idc',
  'builder-id': 'idc',
  builderid: 'idc',
  iam: 'idc',
  api_key: 'api_key',
  apikey: 'api_key',
  'api-key': 'api_key',
};

const MIN_REFRESH_TOKEN_LENGTH = 100;

/** Normalises `builder-id`/`iam`/`IdC` → idc and `apikey` → api_key; undefined for unknown names. */
export function normalizeAuthMethod(value: string): AuthMethod | undefined {
  return AUTH_METHOD_ALIASES[value.trim().toLowerCase()];
}

/** Validates one entry. Semantic problems of a disabled entry are only notices, so it can stay in the file. */
export function parseCredentialEntry(
  entry: unknown,
  options: ParseCredentialEntryOptions,
): ParsedCredentialEntry {
  const name = options.fieldName ?? ((field: string) => field);
  const at = (field: string): string =>
    `${options.pathPrefix}${options.pathPrefix === '' ? '' : '.'}${name(field)}`;
  const errors: string[] = [];
  const notices: string[] = [];

  const input = withoutNulls(entry);
  const result = credentialEntrySchema.safeParse(input);
  if (!result.success) {
    const lines = formatZodIssues(result.error.issues, input).map((line) => {
      const field = line.slice(0, line.indexOf(':'));
      return `${at(field)}${line.slice(field.length)}`;
    });
    return { errors: lines, notices };
  }
  const data = result.data;
  const disabled = data.disabled ?? false;
  const problem = (message: string): void => {
    (disabled ? notices : errors).push(disabled ? `${message} (entry is disabled, kept as is)` : message);
  };

  const authMethod = resolveAuthMethod(data, at, problem);
  const refreshToken = nonEmpty(data.refreshToken);
  const kiroApiKey = nonEmpty(data.kiroApiKey);
  const clientId = nonEmpty(data.clientId);
  const clientSecret = nonEmpty(data.clientSecret);

  if (authMethod === 'api_key') {
    if (kiroApiKey === undefined) problem(`${at('kiroApiKey')}: required when authMethod is "api_key"`);
    else if (!kiroApiKey.startsWith('ksk_'))
      notices.push(`${at('kiroApiKey')}: does not start with "ksk_"; is it a Kiro API key?`);
  } else if (authMethod !== undefined) {
    if (refreshToken === undefined)
      problem(`${at('refreshToken')}: required when authMethod is "${authMethod}"`);
    if (authMethod === 'idc') {
      if (clientId === undefined) problem(`${at('clientId')}: required when authMethod is "idc"`);
      if (clientSecret === undefined) problem(`${at('clientSecret')}: required when authMethod is "idc"`);
    }
  }
  if (refreshToken !== undefined) {
    if (refreshToken.includes('...') || refreshToken.includes('…'))
      problem(`${at('refreshToken')}: looks truncated (contains "...")`);
    else if (refreshToken.length < MIN_REFRESH_TOKEN_LENGTH) {
      notices.push(
        `${at('refreshToken')}: only ${refreshToken.length} characters; real ones are longer, check it was copied completely`,
      );
    }
  }

  let expiresAt: number | undefined;
  if (data.expiresAt !== undefined) {
    expiresAt = parseExpiry(data.expiresAt);
    if (expiresAt === undefined)
      notices.push(`${at('expiresAt')}: not a date; the access token will be refreshed on first use`);
  }

  let endpoint: EndpointKind | undefined;
  if (data.endpoint !== undefined) {
    const value = data.endpoint.trim().toLowerCase();
    if (value === 'ide' || value === 'runtime') endpoint = value;
    else
      errors.push(
        `${at('endpoint')}: expected "ide" or "runtime", received ${JSON.stringify(data.endpoint.slice(0, 40))}`,
      );
  }

  const proxy = parseProxy(data, at, errors, notices);
  if (errors.length > 0 || authMethod === undefined) return { errors, notices };

  const draft: CredentialDraft = {
    authMethod,
    id: data.id,
    tokens: {
      accessToken: nonEmpty(data.accessToken),
      refreshToken,
      expiresAt,
      profileArn: nonEmpty(data.profileArn),
    },
    clientId,
    clientSecret,
    kiroApiKey,
    priority: data.priority ?? 0,
    region: nonEmpty(data.region),
    authRegion: nonEmpty(data.authRegion) ?? nonEmpty(data.idcRegion),
    apiRegion: nonEmpty(data.apiRegion),
    machineId: nonEmpty(data.machineId),
    email: nonEmpty(data.email) ?? nonEmpty(data.accountEmail),
    subscriptionTitle: nonEmpty(data.subscriptionTitle),
    proxy,
    disabled,
    endpoint,
  };
  return { draft, errors, notices };
}

type EntryData = z.output<typeof credentialEntrySchema>;

/** Explicit `authMethod` (or kiro2api `auth`); missing → idc with client credentials, api_key with a key, else social. */
function resolveAuthMethod(
  data: EntryData,
  at: (field: string) => string,
  problem: (message: string) => void,
): AuthMethod | undefined {
  const field = data.authMethod !== undefined ? 'authMethod' : data.auth !== undefined ? 'auth' : undefined;
  const given = field === undefined ? undefined : nonEmpty(data[field]);
  if (field !== undefined && given !== undefined) {
    const method = normalizeAuthMethod(given);
    if (method === undefined) {
      problem(
        `${at(field)}: expected social, idc or api_key (aliases builder-id, iam, apikey), received ${JSON.stringify(given.slice(0, 40))}`,
      );
      // still validate the rest, as if it were inferred
    } else {
      return method;
    }
  }
  if (nonEmpty(data.clientId) !== undefined && nonEmpty(data.clientSecret) !== undefined) return 'idc';
  if (nonEmpty(data.kiroApiKey) !== undefined) return 'api_key';
  return 'social';
}

function parseProxy(
  data: EntryData,
  at: (field: string) => string,
  errors: string[],
  notices: string[],
): ProxySetting | undefined {
  const url = nonEmpty(data.proxyUrl);
  if (url === undefined) {
    if (data.proxyUsername !== undefined || data.proxyPassword !== undefined) {
      notices.push(`${at('proxyUsername')}: ignored without proxyUrl`);
    }
    return undefined;
  }
  if (url.toLowerCase() === 'direct') return 'direct';
  let protocol: string | undefined;
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol === undefined || !PROXY_PROTOCOLS.has(protocol)) {
    errors.push(`${at('proxyUrl')}: expected "direct" or an http, https or socks5 URL`);
    return undefined;
  }
  const proxy: { url: string; username?: string; password?: string } = { url };
  if (nonEmpty(data.proxyUsername) !== undefined) proxy.username = data.proxyUsername;
  if (nonEmpty(data.proxyPassword) !== undefined) proxy.password = data.proxyPassword;
  return proxy;
}

function withoutNulls(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== null));
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}
