import path from 'node:path';
import type { CredentialSpec, TokenState } from '../upstream/credential.js';
import type { Logger } from '../shared/logger.js';
import { CredentialsFileRegistry } from './credentials-file.js';
import { IdeCacheFile } from './ide-cache-file.js';

/** Persists refreshed tokens where the credential came from. */
export type TokenWriter = (spec: CredentialSpec, tokens: TokenState) => Promise<void>;

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

  return async (spec, tokens) => {
    const origin = spec.origin;
    switch (origin.kind) {
      case 'file':
        await files.get(origin.path).update(spec.id, {
          accessToken: tokens.accessToken,
          refreshToken: tokens.refreshToken,
          expiresAt: tokens.expiresAt,
          profileArn: tokens.profileArn,
        });
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
