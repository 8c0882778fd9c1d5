// `kirogate simulator`: start the simulator and tell the user how to point a gateway at it.

import type { Logger } from '../shared/logger.js';
import { KiroSimulator } from './kiro-simulator.js';
import type { SimulatorOptions } from './simulator-options.js';

export interface SimulatorCliOptions {
  port?: number;
  host?: string;
  logger?: Logger;
  /** Where the banner goes; default process.stdout. */
  stdout?: { write(text: string): unknown };
  /** Anything else for the simulator (seed, accounts, chunkDelayMs, …). */
  simulator?: Omit<SimulatorOptions, 'port' | 'host' | 'logger'>;
}

export interface SimulatorCliHandle {
  url: string;
  simulator: KiroSimulator;
  close(): Promise<void>;
}

/** The config.json base URLs that point a gateway at a simulator listening on `url`. */
export function simulatorBaseUrls(url: string) {
  return {
    apiBaseUrl: url,
    runtimeBaseUrl: `${url}/runtime`,
    managementBaseUrl: `${url}/management`,
    authBaseUrl: url,
    oidcBaseUrl: url,
  };
}

export function simulatorBanner(url: string): string {
  return [
    `Kiro simulator listening on ${url}`,
    '',
    'Point a gateway at it:',
    `  apiBaseUrl=${url}  runtimeBaseUrl=${url}/runtime  managementBaseUrl=${url}/management`,
    `  authBaseUrl=${url}  oidcBaseUrl=${url}`,
    '',
    'Control routes (JSON):',
    `  POST  ${url}/__sim/accounts        create an account ({"authMethod":"social"|"idc"|"api_key"})`,
    `  PATCH ${url}/__sim/accounts/:id    suspend, throttle, revoke, change usage…`,
    `  POST  ${url}/__sim/scripts         queue a scripted reply ({"script":{…},"match":{…}})`,
    `  GET   ${url}/__sim/stats           counters and recent requests`,
    '',
  ].join('\n');
}

export async function runSimulatorCli(options: SimulatorCliOptions = {}): Promise<SimulatorCliHandle> {
  const simulator = await KiroSimulator.start({
    ...options.simulator,
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    logger: options.logger,
  });
  (options.stdout ?? process.stdout).write(simulatorBanner(simulator.url));
  return { url: simulator.url, simulator, close: () => simulator.close() };
}
