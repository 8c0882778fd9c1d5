import type { TokenRefresher } from '../credentials/access-token-provider.js';
import type { CredentialSpec } from '../upstream/credential.js';
import type { Clock, IdGenerator } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { IdeCacheFile } from '../storage/ide-cache-file.js';
import type { UpstreamUrlConfig } from '../upstream/kiro-endpoints.js';
import type { KiroClient } from '../upstream/kiro-client.js';
import type { RefreshedTokens } from '../upstream/refresh-tokens.js';
import { refreshIdcToken, refreshSocialToken } from '../upstream/refresh-tokens.js';

export interface RefresherOptions {
  client: KiroClient;
  urls: () => UpstreamUrlConfig;
  newId: IdGenerator;
  clock: Clock;
  logger: Logger;
}

/**
 * Social and IdC refresh (§6.1, §6.2). For accounts imported from the Kiro IDE cache, the file is
 * read first: if the IDE already rotated the refresh token, refreshing with ours would fail.
 */
export function createRefresher(options: RefresherOptions): TokenRefresher {
  const deps = () => ({
    client: options.client,
    urls: options.urls(),
    newId: options.newId,
    now: () => options.clock.now(),
  });
  const ideFiles = new Map<string, IdeCacheFile>();

  async function latestRefreshToken(spec: CredentialSpec, ours: string): Promise<string> {
    if (spec.origin.kind !== 'ide-cache') return ours;
    let file = ideFiles.get(spec.origin.path);
    if (!file) {
      file = new IdeCacheFile(spec.origin.path, { logger: options.logger });
      ideFiles.set(spec.origin.path, file);
    }
    const onDisk = await file.readTokens().catch(() => undefined);
    if (onDisk?.refreshToken && onDisk.refreshToken !== ours) {
      options.logger.info('the Kiro IDE rotated the refresh token; using its newer one');
      return onDisk.refreshToken;
    }
    return ours;
  }

  return {
    async social(spec, refreshToken): Promise<RefreshedTokens> {
      return refreshSocialToken(deps(), spec, await latestRefreshToken(spec, refreshToken));
    },
    async idc(spec, refreshToken): Promise<RefreshedTokens> {
      return refreshIdcToken(deps(), spec, await latestRefreshToken(spec, refreshToken));
    },
  };
}
