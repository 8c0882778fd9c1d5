import path from 'node:path';
import type { Clock } from '../shared/clock.js';
import { ConfigError } from '../shared/errors.js';
import { ideTokenCachePath, parseExpiry, readJsonObjectFile } from '../storage/ide-cache-file.js';
import type { CredentialDraft } from './parse-credential-entry.js';
import { normalizeAuthMethod, parseCredentialEntry } from './parse-credential-entry.js';

export interface ImportedIdeCache {
  draft: CredentialDraft;
  path: string;
  clientRegistrationPath?: string;
}

export interface IdeCacheImport {
  imported?: ImportedIdeCache;
  notices: string[];
}

/**
 * Reads the Kiro IDE login (~/.aws/sso/cache/kiro-auth-token.json) and, for IdC, its client registration
 * `{clientIdHash}.json` next to it (protocol §6.7). Never fatal: problems become notices and nothing is imported.
 */
export async function importIdeCache(homeDir: string, clock: Clock): Promise<IdeCacheImport> {
  const cachePath = ideTokenCachePath(homeDir);
  const notices: string[] = [];
  try {
    const data = await readJsonObjectFile(cachePath);
    if (data === undefined) return { notices };

    const entry: Record<string, unknown> = {
      authMethod: ideAuthMethod(data),
      accessToken: data.accessToken,
      refreshToken: data.refreshToken,
      expiresAt: data.expiresAt,
      profileArn: data.profileArn,
      region: data.region,
      apiRegion: regionOfArn(data.profileArn),
      clientId: data.clientId,
      clientSecret: data.clientSecret,
    };

    let clientRegistrationPath: string | undefined;
    if (entry.authMethod === 'idc' && typeof data.clientIdHash === 'string') {
      if (!/^[\w-]+$/.test(data.clientIdHash)) {
        notices.push(`${cachePath}: clientIdHash has an unexpected form; Kiro IDE login not imported`);
        return { notices };
      }
      clientRegistrationPath = path.join(path.dirname(cachePath), `${data.clientIdHash}.json`);
      const registration = await readJsonObjectFile(clientRegistrationPath);
      if (registration === undefined) {
        notices.push(
          `${cachePath}: IdC login found but its client registration ${clientRegistrationPath} is missing; log in again in the Kiro IDE`,
        );
        return { notices };
      }
      entry.clientId = registration.clientId;
      entry.clientSecret = registration.clientSecret;
      const registrationExpiry = parseExpiry(registration.expiresAt);
      if (registrationExpiry !== undefined && registrationExpiry <= clock.now()) {
        notices.push(
          `${clientRegistrationPath}: the IdC client registration has expired; refreshes will fail until you log in again in the Kiro IDE`,
        );
      }
    }

    const parsed = parseCredentialEntry(entry, { pathPrefix: '' });
    notices.push(...parsed.notices.map((notice) => `${cachePath}: ${notice}`));
    if (parsed.draft === undefined) {
      notices.push(...parsed.errors.map((error) => `${cachePath}: ${error}; Kiro IDE login not imported`));
      return { notices };
    }
    notices.push(
      `no credentials configured: imported the Kiro IDE login from ${cachePath} (${parsed.draft.authMethod}); refreshed tokens are written back there`,
    );
    return { imported: { draft: parsed.draft, path: cachePath, clientRegistrationPath }, notices };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    notices.push(`${error.message}; Kiro IDE login not imported`);
    return { notices };
  }
}

/** `social` / `IdC`; without one, `BuilderId` / `Enterprise` providers or a clientIdHash mean IdC. */
function ideAuthMethod(data: Record<string, unknown>): string {
  if (typeof data.authMethod === 'string') {
    const method = normalizeAuthMethod(data.authMethod);
    if (method !== undefined) return method;
  }
  const provider = typeof data.provider === 'string' ? data.provider.toLowerCase() : '';
  if (provider === 'builderid' || provider === 'enterprise' || typeof data.clientIdHash === 'string')
    return 'idc';
  return 'social';
}

/** `arn:aws:codewhisperer:us-east-1:…` → `us-east-1`: the Q profile's region is the API region. */
export function regionOfArn(arn: unknown): string | undefined {
  if (typeof arn !== 'string') return undefined;
  const region = arn.split(':')[3];
  return region !== undefined && /^[a-z]{2}(-[a-z]+)+-\d+$/.test(region) ? region : undefined;
}
