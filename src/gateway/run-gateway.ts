import type { Writable } from 'node:stream';
import { loadConfig } from '../config/load-config.js';
import { loadCredentials } from '../config/load-credentials.js';
import type { Logger } from '../shared/logger.js';
import { CredentialsFileRegistry } from '../storage/credentials-file.js';
import { applyCredentials, rewriteRetiredTokens } from './apply-credentials.js';
import type { Gateway } from './create-gateway.js';
import { createGateway } from './create-gateway.js';
import { watchFiles } from './watch-files.js';
import { quoteInput } from '../shared/quote-input.js';

export interface RunGatewayOptions {
  configPath?: string;
  credentialsPath?: string;
  env: Record<string, string | undefined>;
  cwd: string;
  homeDir: string;
  logger: Logger;
  /** Where the one-time API key and the start banner go. */
  stdout: Writable;
  /** Watch config.json and credentials.json (default true). */
  hotReload?: boolean;
  /** Override the listen port (tests, demo). */
  port?: number;
}

export interface RunningGateway {
  gateway: Gateway;
  url: string;
  stop(): Promise<void>;
}

/** Loads config and credentials, starts the server, and keeps both files hot-reloaded. */
export async function runGateway(options: RunGatewayOptions): Promise<RunningGateway> {
  const { logger, env, cwd, homeDir } = options;
  const loaded = await loadConfig({
    ...(options.configPath ? { configPath: options.configPath } : {}),
    env,
    cwd,
    logger,
  });
  logger.level = loaded.config.logLevel;
  if (loaded.unknownKeys.length > 0)
    logger.warn(
      { keys: loaded.unknownKeys.map((key) => quoteInput(key)) },
      'unknown keys in config.json ignored',
    );
  if (loaded.generatedApiKey) {
    const where = loaded.generatedApiKeySaved
      ? `saved to ${loaded.configPath}`
      : 'NOT saved: the config file is not writable';
    options.stdout.write(`\nGenerated an API key for clients (${where}):\n\n  ${loaded.generatedApiKey}\n\n`);
  }
  const files = new CredentialsFileRegistry({ logger });
  const credentialsOptions = {
    ...(options.credentialsPath ? { credentialsPath: options.credentialsPath } : {}),
    env,
    cwd,
    homeDir,
    logger,
    files,
  };
  const credentials = await loadCredentials({ ...credentialsOptions, config: loaded.config });
  if (credentials.credentials.length === 0) {
    // loadCredentials has logged it; say it once more where a person starting kirogate looks.
    options.stdout.write(
      `\nNo Kiro credentials yet. Add an account to ${credentials.filePath}, e.g.\n` +
        '  [{"refreshToken": "aor…", "authMethod": "social"}]\n' +
        'or set REFRESH_TOKEN (+ CLIENT_ID and CLIENT_SECRET for IdC), KIRO_API_KEY or KIRO_AUTH_TOKEN. ' +
        'The file is picked up without a restart; until then requests get 503.\n\n',
    );
  }
  const gateway = createGateway({
    config: loaded.config,
    credentials: credentials.credentials,
    logger,
    files,
    ...(env.NODE_EXTRA_CA_CERTS ? { extraCaCertsFile: env.NODE_EXTRA_CA_CERTS } : {}),
  });
  const url = await gateway.listen(options.port ?? loaded.config.port, loaded.config.host);
  logger.info({ url, accounts: credentials.credentials.length }, 'kirogate listening');

  let config = loaded.config;
  const stopWatching =
    options.hotReload === false
      ? () => undefined
      : watchFiles(
          [
            {
              path: loaded.configPath,
              onChange: async () => {
                const next = await loadConfig({ configPath: loaded.configPath, env, cwd, logger });
                if (next.config.host !== config.host || next.config.port !== config.port) {
                  logger.warn('host and port changes take effect after a restart');
                }
                config = next.config;
                logger.level = config.logLevel;
                gateway.applyConfig(config);
                logger.info('config.json reloaded');
              },
            },
            {
              path: credentials.filePath,
              onChange: async () => {
                const next = await loadCredentials({ ...credentialsOptions, config });
                const changes = applyCredentials(
                  gateway.services.pool,
                  next.credentials,
                  gateway.stateStore,
                  gateway.services.clock.now(),
                  logger,
                );
                logger.info(changes, 'credentials reloaded');
                const { pool, tokens } = gateway.services;
                await rewriteRetiredTokens(pool, tokens, next.credentials, logger);
              },
            },
          ],
          logger,
        );
  return {
    gateway,
    url,
    async stop() {
      stopWatching();
      await gateway.close();
    },
  };
}
