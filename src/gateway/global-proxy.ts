import type { Config } from '../config/config-schema.js';
import type { ProxySetting } from '../upstream/credential.js';

/** The config-wide upstream proxy (kiro.rs proxyUrl/proxyUsername/proxyPassword). */
export function globalProxyOf(
  config: Pick<Config, 'proxyUrl' | 'proxyUsername' | 'proxyPassword'>,
): ProxySetting | undefined {
  if (!config.proxyUrl) return undefined;
  if (config.proxyUrl === 'direct') return 'direct';
  return {
    url: config.proxyUrl,
    ...(config.proxyUsername ? { username: config.proxyUsername } : {}),
    ...(config.proxyPassword ? { password: config.proxyPassword } : {}),
  };
}
