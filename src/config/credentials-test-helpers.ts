// Shared by the loadCredentials tests: a temporary cwd and home per test, and small helpers.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect } from 'vitest';
import { ConfigError } from '../shared/errors.js';
import { createSilentLogger } from '../shared/logger.js';
import type { Config } from './config-schema.js';
import { configSchema } from './config-schema.js';
import type { LoadCredentialsOptions } from './load-credentials.js';
import { loadCredentials } from './load-credentials.js';

export const logger = createSilentLogger();

/** Realistic-length refresh tokens (real ones are several hundred characters). */
export const token = (tag: string): string => `aor${tag}`.padEnd(160, 'x');

export const config = (fields: Record<string, unknown> = {}): Config =>
  configSchema.parse({ apiKey: 'k', ...fields });

/** The ConfigError message a promise rejects with (fails the test if it resolves). */
export async function configError(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).message;
}

export interface CredentialsSandbox {
  readonly cwd: string;
  readonly home: string;
  load: (options?: Partial<LoadCredentialsOptions>) => ReturnType<typeof loadCredentials>;
  credentialsPath: () => string;
  writeCredentials: (value: unknown) => Promise<void>;
  readCredentials: () => Promise<unknown>;
}

/** Registers beforeEach/afterEach hooks that give every test a fresh cwd (and home inside it). */
export function useCredentialsSandbox(
  prefix: string,
  defaults: Partial<LoadCredentialsOptions> = {},
): CredentialsSandbox {
  let cwd = '';
  let home = '';
  beforeEach(async () => {
    cwd = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
    home = path.join(cwd, 'home');
    await fs.mkdir(home);
  });
  afterEach(async () => {
    await fs.rm(cwd, { recursive: true, force: true });
  });
  const credentialsPath = () => path.join(cwd, 'credentials.json');
  return {
    get cwd() {
      return cwd;
    },
    get home() {
      return home;
    },
    load: (options = {}) =>
      loadCredentials({ env: {}, cwd, config: config(), homeDir: home, logger, ...defaults, ...options }),
    credentialsPath,
    writeCredentials: (value) =>
      fs.writeFile(credentialsPath(), typeof value === 'string' ? value : JSON.stringify(value, null, 2)),
    readCredentials: async () => JSON.parse(await fs.readFile(credentialsPath(), 'utf8')) as unknown,
  };
}
