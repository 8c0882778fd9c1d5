import path from 'node:path';
import type { CredentialSpec, TokenState } from '../upstream/credential.js';
import type { Logger } from '../shared/logger.js';
import type { AccountSecrets } from './credentials-file.js';
import { CredentialsFileRegistry } from './credentials-file.js';
import { IdeCacheFile } from './ide-cache-file.js';

/**
 * Persists refreshed tokens where the credential came from. `retired`: refresh tokens the account held
 * before (the one a refresh started from, ones kirogate wrote), so a hand-edited entry is recognised.
 */
export type TokenWriter = (
  spec: CredentialSpec,
  tokens: TokenState,
  retired: readonly string[],
) => Promise<void>;

export interface TokenWriterOptions {
  logger: Logger;
  /** Share with loadCredentials so start-up and refresh writes of one file use one queue. */
  files?: CredentialsFileRegistry;
}

/**
 * Routes by origin: credentials.json → CredentialsFile.update (one instance per path); the Kiro IDE cache →
 * IdeCacheFile (its own shape); env → nothing here (the caller keeps those tokens in the data directory).
 */
export function createTokenWriter(options: TokenWriterOptions): TokenWriter {
  const files = options.files ?? new CredentialsFileRegistry({ logger: options.logger });
  const ideFiles = new Map<string, IdeCacheFile>();

  return async (spec, tokens, retired) => {
    const origin = spec.origin;
    switch (origin.kind) {
      case 'file':
        await files.get(origin.path).update(
          spec.id,
          {
            accessToken: tokens.accessToken,
            refreshToken: tokens.refreshToken,
            expiresAt: tokens.expiresAt,
            profileArn: tokens.profileArn,
          },
          accountSecrets(spec, tokens, retired),
        );
        return;
      case 'ide-cache': {
        const key = path.resolve(origin.path);
        let file = ideFiles.get(key);
        if (file === undefined) {
          file = new IdeCacheFile(key, { logger: options.logger });
          ideFiles.set(key, file);
        }
        await file.update(tokens);
        return;
      }
      case 'env':
        return;
    }
  };
}

/** Undefined when the account has no known secret yet (then the entry is found by id alone). */
function accountSecrets(
  spec: CredentialSpec,
  tokens: TokenState,
  retired: readonly string[],
): AccountSecrets | undefined {
  const field = spec.authMethod === 'api_key' ? 'kiroApiKey' : 'refreshToken';
  const secrets = field === 'kiroApiKey' ? [spec.kiroApiKey] : [...retired, tokens.refreshToken];
  const values = secrets.filter((value): value is string => value !== undefined);
  return values.length === 0 ? undefined : { field, values };
}
