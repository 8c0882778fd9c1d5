import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Database as SqliteDatabase } from 'better-sqlite3';
import type { Config } from '../config/config-schema.js';
import { AccessTokenProvider } from '../credentials/access-token-provider.js';
import type { TokenWriter } from '../credentials/access-token-provider.js';
import { AccountService } from '../credentials/account-service.js';
import { OfferedModels } from '../credentials/offered-models.js';
import type { LoadedCredential } from '../upstream/credential.js';
import { DEFAULT_HEALTH } from '../credentials/credential-health.js';
import { CredentialPool } from '../credentials/credential-pool.js';
import type { DispatchDependencies } from '../dispatch/execute-with-failover.js';
import { ModelSubstitutions } from '../http/anthropic/model-substitutions.js';
import { createRequestListener } from '../http/create-request-listener.js';
import type { Clock, IdGenerator } from '../shared/clock.js';
import { ConfigError } from '../shared/errors.js';
import { randomId, systemClock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { AccountStateStore } from '../storage/account-state-store.js';
import { createTokenWriter } from '../storage/create-token-writer.js';
import type { CredentialsFileRegistry } from '../storage/credentials-file.js';
import { openGatewayDatabase } from '../storage/gateway-database.js';
import { RequestLogStore } from '../storage/request-log-store.js';
import { TokenCounter } from '../tokens/token-counter.js';
import { HttpDispatchers } from '../upstream/http-dispatchers.js';
import type { DispatcherOptions } from '../upstream/http-dispatchers.js';
import { KiroClient } from '../upstream/kiro-client.js';
import type { KiroClientOptions } from '../upstream/kiro-client.js';
import { buildRouter } from './build-router.js';
import { createCredentialEntry } from './create-credential-entry.js';
import { createRefresher } from './create-refresher.js';
import type { GatewayServices } from '../http/anthropic/gateway-services.js';
import { globalProxyOf } from './global-proxy.js';

export interface CreateGatewayOptions {
  config: Config;
  credentials: LoadedCredential[];
  logger: Logger;
  clock?: Clock;
  newId?: IdGenerator;
  random?: () => number;
  /** Defaults to `<dataDir>/kirogate.db`; tests pass ':memory:'. */
  database?: SqliteDatabase | ':memory:';
  /** Shared with loadCredentials so every write to one file goes through one queue. */
  files?: CredentialsFileRegistry;
  /** NODE_EXTRA_CA_CERTS, passed in (only main reads the environment). */
  extraCaCertsFile?: string;
}

export interface Gateway {
  services: GatewayServices;
  server: Server;
  stateStore: AccountStateStore;
  /** Starts listening; resolves to the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** Applies a changed config.json (everything but host and port). */
  applyConfig(config: Config): void;
  close(): Promise<void>;
}

function dispatcherOptions(config: Config, extraCaCertsFile: string | undefined): DispatcherOptions {
  return {
    tlsBackend: config.tlsBackend,
    caCertificates: config.caCertificates,
    extraCaCertsFile,
    globalProxy: globalProxyOf(config),
  };
}

/** The upstream client settings a config.json reload may change. */
function clientSettings(config: Config): Omit<KiroClientOptions, 'dispatchers' | 'newId' | 'now'> {
  return {
    urls: config,
    identity: {
      kiroVersion: config.kiroVersion,
      nodeVersion: config.nodeVersion,
      systemVersion: config.systemVersion,
    },
    headersTimeoutMs: config.upstreamHeadersTimeoutSeconds * 1000,
    idleTimeoutMs: config.upstreamIdleTimeoutSeconds * 1000,
  };
}

function openDatabase(dataDir: string): SqliteDatabase {
  try {
    return openGatewayDatabase(dataDir);
  } catch (error) {
    throw new ConfigError('config.json', [`dataDir: cannot use ${dataDir}: ${(error as Error).message}`]);
  }
}

/** Wires config, credentials, storage, upstream client, pool and routes into one server. */
export function createGateway(options: CreateGatewayOptions): Gateway {
  let config = options.config;
  const clock = options.clock ?? systemClock;
  const newId = options.newId ?? randomId;
  const { logger } = options;
  let dispatchers = new HttpDispatchers(dispatcherOptions(config, options.extraCaCertsFile));
  const client = new KiroClient({ ...clientSettings(config), dispatchers, newId, now: () => clock.now() });
  const ownsDatabase = options.database === undefined || options.database === ':memory:';
  const db =
    options.database === undefined || options.database === ':memory:'
      ? openDatabase(options.database ?? config.dataDir)
      : options.database;
  const stateStore = new AccountStateStore(db, () => clock.now());
  const requestLog = new RequestLogStore(db, config.requestLogSize);
  const fileWriter = createTokenWriter({ logger, ...(options.files ? { files: options.files } : {}) });
  const writeTokens: TokenWriter = (spec, tokens, retired) => {
    // Known before the file has it: a restart finding it there keeps the account's state.
    stateStore.rememberSecret(spec, tokens);
    if (spec.origin.kind === 'env') {
      stateStore.saveEnvTokens(spec.stateKey, tokens);
      return Promise.resolve();
    }
    return fileWriter(spec, tokens, retired);
  };

  const pool = new CredentialPool(
    options.credentials.map((credential) => createCredentialEntry(credential, stateStore, logger)),
    {
      clock,
      policy: config.loadBalancingMode,
      ...(options.random ? { random: options.random } : {}),
      onChange: (entry) => stateStore.save(entry),
      maxRetryWaitMs: config.maxRetryWaitSeconds * 1000,
    },
  );
  for (const entry of pool.list()) stateStore.save(entry);
  stateStore.forgetLegacyRows(new Set(pool.list().map((entry) => entry.spec.stateKey)));
  const tokens = new AccessTokenProvider({
    refresher: createRefresher({ client, urls: () => config, newId, clock, logger }),
    writeTokens,
    clock,
    logger,
    onChange: (entry) => pool.changed(entry),
  });
  const accounts = new AccountService({
    pool,
    tokens,
    client,
    clock,
    logger,
    writeTokens: (entry) => writeTokens(entry.spec, entry.tokens, entry.retiredRefreshTokens),
  });
  const offeredModels = new OfferedModels({
    client,
    tokens,
    clock,
    logger,
    refreshMs: () => config.modelListRefreshSeconds * 1000,
  });
  const dispatch: DispatchDependencies = {
    pool,
    tokens,
    clock,
    logger,
    health: { ...DEFAULT_HEALTH, cooldownMs: config.cooldownSeconds * 1000 },
    maxAttemptsPerAccount: config.maxAttemptsPerAccount,
    maxAttemptsPerRequest: config.maxAttemptsPerRequest,
    ...(options.random ? { random: options.random } : {}),
    ensureProfileArn: (entry, context) => accounts.ensureProfileArn(entry, context),
    onQuotaExhausted: (entry) => accounts.refreshUsageInBackground(entry),
    offeredModels,
  };
  const services: GatewayServices = {
    config: () => config,
    logger,
    clock,
    newId,
    client,
    pool,
    tokens,
    accounts,
    offeredModels,
    substitutions: new ModelSubstitutions(logger),
    dispatch,
    requestLog,
    tokenCounter: new TokenCounter(logger),
  };
  const server = createServer(
    { keepAliveTimeout: 65_000, requestTimeout: 0, headersTimeout: 60_000 },
    createRequestListener({ router: buildRouter(services), logger }),
  );
  accounts.startPolling(config.usageRefreshIntervalSeconds * 1000);
  if (config.modelFallback === 'on') setImmediate(() => void offeredModels.warm(pool.list()));

  return {
    services,
    server,
    stateStore,
    listen(port = config.port, host = config.host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve(`http://${shownHost}:${address.port}`);
        });
      });
    },
    applyConfig(next) {
      const previous = config;
      config = next;
      const transport = (value: Config) => JSON.stringify(dispatcherOptions(value, options.extraCaCertsFile));
      if (transport(previous) !== transport(next)) {
        const old = dispatchers;
        dispatchers = new HttpDispatchers(dispatcherOptions(next, options.extraCaCertsFile));
        client.reconfigure({ dispatchers });
        // Streams still running on the old connections finish first; close() waits for them.
        old
          .close()
          .catch((error: unknown) =>
            logger.warn({ error: (error as Error).message }, 'closing old connections'),
          );
      }
      client.reconfigure(clientSettings(next));
      pool.setPolicy(next.loadBalancingMode);
      pool.setMaxRetryWait(next.maxRetryWaitSeconds * 1000);
      dispatch.health = { ...DEFAULT_HEALTH, cooldownMs: next.cooldownSeconds * 1000 };
      dispatch.maxAttemptsPerAccount = next.maxAttemptsPerAccount;
      dispatch.maxAttemptsPerRequest = next.maxAttemptsPerRequest;
      requestLog.setCapacity(next.requestLogSize);
      accounts.startPolling(next.usageRefreshIntervalSeconds * 1000);
    },
    async close() {
      accounts.stopPolling();
      server.closeIdleConnections();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      stateStore.close();
      requestLog.close();
      if (ownsDatabase) db.close();
      await dispatchers.close();
      await services.tokenCounter.close();
    },
  };
}
