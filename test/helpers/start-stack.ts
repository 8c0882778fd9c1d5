// Starts a Kiro simulator and a gateway wired to it, both on loopback ports, for end-to-end tests.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import type { ConfigFile } from '../../src/config/config-schema.js';
import { configSchema } from '../../src/config/config-schema.js';
import { loadCredentials } from '../../src/config/load-credentials.js';
import type { Gateway } from '../../src/gateway/create-gateway.js';
import { createGateway } from '../../src/gateway/create-gateway.js';
import type { RunningGateway } from '../../src/gateway/run-gateway.js';
import { runGateway } from '../../src/gateway/run-gateway.js';
import type { Clock } from '../../src/shared/clock.js';
import { createSilentLogger } from '../../src/shared/logger.js';
import type { Logger } from '../../src/shared/logger.js';
import { CredentialsFileRegistry } from '../../src/storage/credentials-file.js';
import { KiroSimulator } from '../../src/simulator/kiro-simulator.js';
import { simulatorBaseUrls } from '../../src/simulator/run-simulator-cli.js';
import type { AddAccountOptions, SimAccount } from '../../src/simulator/sim-account.js';
import type { SimulatorOptions } from '../../src/simulator/simulator-options.js';

export const TEST_API_KEY = 'sk-kirogate-test-0123456789abcdefghijklmnop';

export interface StackOptions {
  /** Accounts created in the simulator and written to credentials.json (default: one social account). */
  accounts?: AddAccountOptions[];
  /** Extra fields for each credentials.json entry, by index (priority, disabled, …). */
  credentialFields?: Record<string, unknown>[];
  /** Write credentials.json as a single object instead of an array (one account only). */
  credentialsShape?: 'array' | 'object';
  /** Overrides for config.json. */
  config?: Partial<ConfigFile>;
  simulator?: SimulatorOptions;
  /** One clock for the simulator and the gateway (token expiry, cooldowns, quota resets). */
  clock?: Clock;
  random?: () => number;
  /** Start through runGateway (real files, hot reload) instead of createGateway. */
  viaRunGateway?: boolean;
  /** Keep the data directory across stacks (restart tests). */
  dir?: string;
  logger?: Logger;
}

export interface Stack {
  sim: KiroSimulator;
  accounts: SimAccount[];
  gateway: Gateway;
  running: RunningGateway | undefined;
  url: string;
  apiKey: string;
  dir: string;
  configPath: string;
  credentialsPath: string;
  anthropic: Anthropic;
  /** Closes the gateway and the simulator (and removes the directory unless it was given). */
  close(): Promise<void>;
  /** Closes only the gateway (restart tests), keeping the simulator and files. */
  closeGateway(): Promise<void>;
  /** Closes the gateway and starts a new one on the same files, data directory and simulator. */
  restartGateway(): Promise<Stack>;
}

function credentialEntry(
  account: SimAccount,
  extra: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const base: Record<string, unknown> =
    account.authMethod === 'api_key'
      ? { kiroApiKey: account.apiKey, authMethod: 'api_key' }
      : account.authMethod === 'idc'
        ? {
            refreshToken: account.refreshToken,
            clientId: account.clientId,
            clientSecret: account.clientSecret,
            authMethod: 'idc',
          }
        : { refreshToken: account.refreshToken, authMethod: 'social' };
  if (account.profileArn) base.profileArn = account.profileArn;
  return { ...base, ...extra };
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const logger = options.logger ?? createSilentLogger();
  const sim = await KiroSimulator.start({
    logger,
    ...(options.clock ? { clock: options.clock } : {}),
    ...options.simulator,
  });
  const accounts = (options.accounts ?? [{ authMethod: 'social' as const }]).map((account) =>
    sim.addAccount(account),
  );
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'kirogate-e2e-')));
  const configPath = join(dir, 'config.json');
  const credentialsPath = join(dir, 'credentials.json');
  const entries = accounts.map((account, index) =>
    credentialEntry(account, options.credentialFields?.[index]),
  );
  const fileContent = options.credentialsShape === 'object' ? entries[0] : entries;
  await writeFile(credentialsPath, `${JSON.stringify(fileContent, null, 2)}\n`, { mode: 0o600 });
  const configFile: ConfigFile = {
    apiKey: TEST_API_KEY,
    port: 0,
    dataDir: join(dir, 'data'),
    logLevel: 'silent',
    ...simulatorBaseUrls(sim.url),
    ...options.config,
  };
  await writeFile(configPath, `${JSON.stringify(configFile, null, 2)}\n`, { mode: 0o600 });

  const paths = { dir, configPath, credentialsPath };
  return assembleStack(options, sim, accounts, paths, logger, await launchGateway(options, paths, logger));
}

interface StackPaths {
  dir: string;
  configPath: string;
  credentialsPath: string;
}

interface Launched {
  gateway: Gateway;
  running: RunningGateway | undefined;
  url: string;
}

async function launchGateway(
  options: StackOptions,
  { dir, configPath, credentialsPath }: StackPaths,
  logger: Logger,
): Promise<Launched> {
  let gateway: Gateway;
  let running: RunningGateway | undefined;
  let url: string;
  if (options.viaRunGateway) {
    running = await runGateway({
      configPath,
      credentialsPath,
      env: {},
      cwd: dir,
      homeDir: dir,
      logger,
      stdout: { write: () => true } as never,
      port: 0,
    });
    gateway = running.gateway;
    url = running.url;
  } else {
    const config = configSchema.parse(JSON.parse(await readFile(configPath, 'utf8')));
    const files = new CredentialsFileRegistry({ logger });
    const loaded = await loadCredentials({
      credentialsPath,
      env: {},
      cwd: dir,
      config,
      homeDir: dir,
      logger,
      files,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    gateway = createGateway({
      config,
      credentials: loaded.credentials,
      logger,
      files,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.random ? { random: options.random } : {}),
    });
    url = await gateway.listen(0, '127.0.0.1');
  }
  return { gateway, running, url };
}

function assembleStack(
  options: StackOptions,
  sim: KiroSimulator,
  accounts: SimAccount[],
  paths: StackPaths,
  logger: Logger,
  { gateway, running, url }: Launched,
): Stack {
  const { dir, configPath, credentialsPath } = paths;
  const anthropic = new Anthropic({ baseURL: url, apiKey: TEST_API_KEY, maxRetries: 0 });
  let gatewayClosed = false;
  const closeGateway = async () => {
    if (gatewayClosed) return;
    gatewayClosed = true;
    if (running) await running.stop();
    else await gateway.close();
  };
  return {
    sim,
    accounts,
    gateway,
    running,
    url,
    apiKey: TEST_API_KEY,
    dir,
    configPath,
    credentialsPath,
    anthropic,
    closeGateway,
    async restartGateway() {
      await closeGateway();
      return assembleStack(
        options,
        sim,
        accounts,
        paths,
        logger,
        await launchGateway(options, paths, logger),
      );
    },
    async close() {
      await closeGateway();
      await sim.close();
      if (!options.dir) await rm(dir, { recursive: true, force: true });
    },
  };
}
