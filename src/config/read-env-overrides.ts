import type { Logger } from '../shared/logger.js';

/** Environment variable → config field; the peers' names, so their users can switch without renaming. */
export const CONFIG_ENV_VARIABLES = {
  HOST: 'host',
  PORT: 'port',
  API_KEY: 'apiKey',
  KIRO_CLIENT_TOKEN: 'apiKey',
  REGION: 'region',
  KIRO_API_BASE_URL: 'apiBaseUrl',
  KIRO_RUNTIME_BASE_URL: 'runtimeBaseUrl',
  KIRO_MANAGEMENT_BASE_URL: 'managementBaseUrl',
  KIRO_AUTH_BASE_URL: 'authBaseUrl',
  KIRO_OIDC_BASE_URL: 'oidcBaseUrl',
  DATA_DIR: 'dataDir',
  LOG_LEVEL: 'logLevel',
  PROXY_URL: 'proxyUrl',
  ADMIN_API_KEY: 'adminApiKey',
} as const;

export interface EnvOverrides {
  /** Config field → value, ready to be merged over the file. */
  overrides: Record<string, unknown>;
  /** Config field → the variable that set it, to name it in errors. */
  variables: Map<string, string>;
  problems: string[];
}

/** Reads the config env vars; blank values count as unset. API_KEY beats its alias KIRO_CLIENT_TOKEN. */
export function readEnvOverrides(env: Record<string, string | undefined>, logger: Logger): EnvOverrides {
  const overrides: Record<string, unknown> = {};
  const variables = new Map<string, string>();
  const problems: string[] = [];

  // reverse order so that, for a shared field, the first variable listed wins
  for (const [variable, field] of Object.entries(CONFIG_ENV_VARIABLES).reverse()) {
    const raw = env[variable]?.trim();
    if (raw === undefined || raw === '') continue;
    if (variables.has(field) && overrides[field] !== raw) {
      logger.warn(
        { used: variable, ignored: variables.get(field) },
        'two environment variables set the same field; using the first',
      );
    }
    variables.set(field, variable);
    if (field === 'port') {
      const port = /^\d{1,5}$/.test(raw) ? Number(raw) : Number.NaN;
      if (Number.isNaN(port) || port > 65535) {
        problems.push(
          `PORT: expected an integer from 0 to 65535, received ${JSON.stringify(raw.slice(0, 20))}`,
        );
        continue;
      }
      overrides[field] = port;
    } else if (field === 'logLevel') {
      overrides[field] = raw.toLowerCase();
    } else {
      overrides[field] = raw;
    }
  }
  return { overrides, variables, problems };
}
