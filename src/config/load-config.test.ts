import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../shared/errors.js';
import { createSilentLogger } from '../shared/logger.js';
import type { LoadConfigOptions } from './load-config.js';
import { loadConfig } from './load-config.js';

let cwd: string;
const logger = createSilentLogger();
const KEY = 'sk-test-0123456789abcdef';

beforeEach(async () => {
  cwd = await fs.mkdtemp(path.join(os.tmpdir(), 'kirogate-config-'));
});

afterEach(async () => {
  await fs.rm(cwd, { recursive: true, force: true });
});

const load = (options: Partial<LoadConfigOptions> = {}) => loadConfig({ env: {}, cwd, logger, ...options });
const writeConfig = (value: unknown, name = 'config.json') =>
  fs.writeFile(path.join(cwd, name), typeof value === 'string' ? value : JSON.stringify(value, null, 2));

async function configError(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ConfigError);
  const configError = error as ConfigError;
  expect(configError.message).not.toMatch(/\n\s+at /); // no stack in the message
  return configError;
}

/** Every kiro.rs field of protocol §6.6. */
const KIRO_RS_CONFIG = {
  host: '0.0.0.0',
  port: 8990,
  apiKey: KEY,
  region: 'eu-central-1',
  authRegion: 'eu-west-1',
  apiRegion: 'us-east-1',
  kiroVersion: '0.11.200',
  machineId: '2582956e-cc88-4669-b546-07adbffcb894',
  systemVersion: 'darwin#24.6.0',
  nodeVersion: '22.21.1',
  tlsBackend: 'native-tls',
  countTokensApiUrl: 'https://api.example.com/v1/messages/count_tokens',
  countTokensApiKey: 'ct-key',
  countTokensAuthType: 'bearer',
  proxyUrl: 'socks5://127.0.0.1:1080',
  proxyUsername: 'user',
  proxyPassword: 'pass',
  adminApiKey: 'admin-key-0123456789',
  loadBalancingMode: 'balanced',
  extractThinking: false,
  defaultEndpoint: 'runtime',
  endpoints: { ide: { enabled: true }, runtime: { region: 'us-east-1' } },
};

describe('loadConfig: formats', () => {
  it('reads a full kiro.rs config.json unchanged', async () => {
    await writeConfig(KIRO_RS_CONFIG);
    const { config, configFileExists, unknownKeys, generatedApiKey, configPath } = await load();
    expect(configPath).toBe(path.join(cwd, 'config.json'));
    expect(configFileExists).toBe(true);
    expect(unknownKeys).toEqual([]);
    expect(generatedApiKey).toBeUndefined();
    expect(config).toMatchObject({
      ...KIRO_RS_CONFIG,
      loadBalancingMode: { mode: 'balanced', sticky: false },
    });
  });

  it('fills defaults for everything else', async () => {
    await writeConfig({ apiKey: KEY });
    const { config } = await load();
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      region: 'us-east-1',
      kiroVersion: '0.11.107',
      nodeVersion: '22.22.0',
      tlsBackend: 'rustls',
      countTokensAuthType: 'x-api-key',
      loadBalancingMode: { mode: 'priority', sticky: false },
      extractThinking: true,
      defaultEndpoint: 'ide',
      endpoints: {},
      apiBaseUrl: 'https://q.{region}.amazonaws.com',
      runtimeBaseUrl: 'https://runtime.{region}.kiro.dev',
      managementBaseUrl: 'https://management.{region}.kiro.dev',
      authBaseUrl: 'https://prod.{region}.auth.desktop.kiro.dev',
      oidcBaseUrl: 'https://oidc.{region}.amazonaws.com',
      dataDir: path.join(cwd, 'data'),
      logLevel: 'info',
    });
    expect(config.authRegion).toBeUndefined();
    expect(config.adminApiKey).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('accepts a UTF-8 BOM and null values (serde reads them as unset)', async () => {
    await writeConfig(`\uFEFF{"apiKey": "${KEY}", "port": 9000, "authRegion": null}`);
    const { config } = await load();
    expect(config.port).toBe(9000);
    expect(config.authRegion).toBeUndefined();
  });

  it('reports unknown keys without failing', async () => {
    await writeConfig({ apiKey: KEY, someFutureKiroRsField: 1, typo_port: 2 });
    const { unknownKeys, config } = await load();
    expect(unknownKeys).toEqual(['someFutureKiroRsField', 'typo_port']);
    expect(config.port).toBe(8080);
  });

  it('strips trailing slashes from base URLs and keeps {region}', async () => {
    await writeConfig({ apiKey: KEY, apiBaseUrl: 'http://127.0.0.1:9999/{region}/' });
    expect((await load()).config.apiBaseUrl).toBe('http://127.0.0.1:9999/{region}');
  });

  it('treats an empty adminApiKey as "admin API off"', async () => {
    await writeConfig({ apiKey: KEY, adminApiKey: '' });
    expect((await load()).config.adminApiKey).toBeUndefined();
  });
});

describe('loadConfig: path precedence', () => {
  it('KIROGATE_CONFIG beats ./config.json and the CLI flag beats both', async () => {
    await writeConfig({ apiKey: KEY, port: 1 });
    await writeConfig({ apiKey: KEY, port: 2 }, 'env.json');
    await writeConfig({ apiKey: KEY, port: 3 }, 'flag.json');
    expect((await load()).config.port).toBe(1);
    expect((await load({ env: { KIROGATE_CONFIG: 'env.json' } })).config.port).toBe(2);
    expect((await load({ env: { KIROGATE_CONFIG: 'env.json' }, configPath: 'flag.json' })).config.port).toBe(
      3,
    );
  });
});

describe('loadConfig: environment', () => {
  it('each variable overrides the file', async () => {
    await writeConfig(KIRO_RS_CONFIG);
    const env = {
      HOST: '::',
      PORT: '9123',
      API_KEY: 'sk-from-env-0123456789',
      REGION: 'ap-southeast-2',
      KIRO_API_BASE_URL: 'http://localhost:1/q/{region}',
      KIRO_AUTH_BASE_URL: 'http://localhost:1/auth/{region}',
      KIRO_OIDC_BASE_URL: 'http://localhost:1/oidc/{region}',
      KIRO_RUNTIME_BASE_URL: 'http://localhost:1/runtime/{region}',
      KIRO_MANAGEMENT_BASE_URL: 'http://localhost:1/management/{region}',
      DATA_DIR: '/var/lib/kirogate',
      LOG_LEVEL: 'DEBUG',
      PROXY_URL: 'http://proxy.local:3128',
      ADMIN_API_KEY: 'admin-from-env-0123456789',
    };
    const { config } = await load({ env });
    expect(config).toMatchObject({
      host: '::',
      port: 9123,
      apiKey: 'sk-from-env-0123456789',
      region: 'ap-southeast-2',
      apiBaseUrl: 'http://localhost:1/q/{region}',
      authBaseUrl: 'http://localhost:1/auth/{region}',
      oidcBaseUrl: 'http://localhost:1/oidc/{region}',
      runtimeBaseUrl: 'http://localhost:1/runtime/{region}',
      managementBaseUrl: 'http://localhost:1/management/{region}',
      dataDir: '/var/lib/kirogate',
      logLevel: 'debug',
      proxyUrl: 'http://proxy.local:3128',
      adminApiKey: 'admin-from-env-0123456789',
      // untouched file values
      authRegion: 'eu-west-1',
      tlsBackend: 'native-tls',
    });
  });

  it('KIRO_CLIENT_TOKEN is an alias of API_KEY, which wins when both are set', async () => {
    expect((await load({ env: { KIRO_CLIENT_TOKEN: 'kiro2api-style-token-123' } })).config.apiKey).toBe(
      'kiro2api-style-token-123',
    );
    expect(
      (
        await load({
          env: { KIRO_CLIENT_TOKEN: 'kiro2api-style-token-123', API_KEY: 'api-key-wins-0123456' },
        })
      ).config.apiKey,
    ).toBe('api-key-wins-0123456');
  });

  it('blank variables count as unset', async () => {
    await writeConfig({ apiKey: KEY, port: 7000 });
    const { config } = await load({ env: { PORT: '', API_KEY: '  ', ADMIN_API_KEY: '' } });
    expect(config.port).toBe(7000);
    expect(config.apiKey).toBe(KEY);
    expect(config.adminApiKey).toBeUndefined();
  });

  it('names the variable when its value is invalid', async () => {
    await writeConfig({ apiKey: KEY });
    expect((await configError(load({ env: { PORT: 'eighty' } }))).message).toBe(
      'environment: PORT: expected an integer from 0 to 65535, received "eighty"',
    );
    expect((await configError(load({ env: { LOG_LEVEL: 'verbose' } }))).message).toMatch(
      /^environment: LOG_LEVEL: expected one of "fatal", .*received "verbose"$/,
    );
    expect((await configError(load({ env: { KIRO_API_BASE_URL: 'q.example.com' } }))).message).toBe(
      'environment: KIRO_API_BASE_URL: must start with http:// or https://',
    );
    expect((await configError(load({ env: { PROXY_URL: 'ftp://x' } }))).message).toContain(
      'environment: PROXY_URL: unsupported scheme "ftp:"',
    );
    expect((await configError(load({ env: { PROXY_URL: 'socks4://x:1080' } }))).message).toContain(
      'environment: PROXY_URL: unsupported scheme "socks4:"',
    );
  });
});

describe('loadConfig: first run', () => {
  it('generates a strong key, saves it to a new 0600 file and reuses it next time', async () => {
    const first = await load();
    expect(first.generatedApiKey).toMatch(/^sk-kirogate-[A-Za-z0-9_-]{43}$/);
    expect(first.generatedApiKeySaved).toBe(true);
    expect(first.config.apiKey).toBe(first.generatedApiKey);
    const file = path.join(cwd, 'config.json');
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await fs.readFile(file, 'utf8'))).toEqual({ apiKey: first.generatedApiKey });

    const second = await load();
    expect(second.generatedApiKey).toBeUndefined();
    expect(second.config.apiKey).toBe(first.generatedApiKey);
    expect((await load()).generatedApiKey).toBeUndefined();
  });

  it('generates a different key each time it has to', async () => {
    const keys = new Set<string | undefined>();
    for (let index = 0; index < 5; index += 1) {
      keys.add((await load({ configPath: `c${index}.json` })).generatedApiKey);
    }
    expect(keys.size).toBe(5);
  });

  it('adds the key to an existing file, keeping every field, its order and unknown keys', async () => {
    await writeConfig(
      '{"host":"0.0.0.0","port":8990,"region":"us-east-1","custom":{"a":[1,2]},"loadBalancingMode":"balanced"}',
    );
    const { generatedApiKey } = await load();
    const text = await fs.readFile(path.join(cwd, 'config.json'), 'utf8');
    const saved = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(saved)).toEqual(['host', 'port', 'apiKey', 'region', 'custom', 'loadBalancingMode']);
    expect(saved).toEqual({
      host: '0.0.0.0',
      port: 8990,
      apiKey: generatedApiKey,
      region: 'us-east-1',
      custom: { a: [1, 2] },
      loadBalancingMode: 'balanced',
    });
    expect(text).toBe(`${JSON.stringify(saved, null, 2)}\n`);
  });

  it('still starts when the key cannot be saved (read-only mount), flagging it as unsaved', async () => {
    vi.spyOn(fs, 'rename').mockRejectedValueOnce(Object.assign(new Error('ro'), { code: 'EROFS' }));
    const result = await load();
    expect(result.generatedApiKey).toMatch(/^sk-kirogate-/);
    expect(result.generatedApiKeySaved).toBe(false);
    expect(result.configFileExists).toBe(false);
  });

  it('does not generate a key when the environment provides one', async () => {
    const result = await load({ env: { API_KEY: 'from-env-0123456789' } });
    expect(result.generatedApiKey).toBeUndefined();
    expect(result.configFileExists).toBe(false);
    await expect(fs.access(path.join(cwd, 'config.json'))).rejects.toThrow();
  });

  it('creates missing parent directories for an explicit path', async () => {
    const result = await load({ configPath: 'etc/kirogate/config.json' });
    expect(result.generatedApiKeySaved).toBe(true);
    expect(JSON.parse(await fs.readFile(path.join(cwd, 'etc/kirogate/config.json'), 'utf8'))).toEqual({
      apiKey: result.generatedApiKey,
    });
  });
});

describe('loadConfig: errors name the file and the field', () => {
  it('bad JSON with line and column', async () => {
    await writeConfig('{\n  "port": 8080,\n  "apiKey": "sk-secret-value"\n  "host": "x"\n}');
    const error = await configError(load());
    expect(error.message).toBe(
      'config.json: invalid JSON at line 4, column 3: expected "," or "}", unexpected character "\\""',
    );
    expect(error.message).not.toContain('sk-secret-value');
    expect(error.file).toBe('config.json');
  });

  it('wrong type', async () => {
    await writeConfig({ port: '8080' });
    expect((await configError(load())).message).toBe('config.json: port: expected number, received string');
  });

  it('bad enum', async () => {
    await writeConfig({ tlsBackend: 'openssl', loadBalancingMode: 'fastest' });
    const { message } = await configError(load());
    expect(message).toContain(
      'config.json: tlsBackend: expected one of "rustls", "native-tls", received "openssl"',
    );
    expect(message).toContain('loadBalancingMode: must be one of priority, balanced');
  });

  it('bad URL', async () => {
    await writeConfig({ countTokensApiUrl: 'api.example.com/count' });
    expect((await configError(load())).message).toBe(
      'config.json: countTokensApiUrl: must start with http:// or https://',
    );
    await writeConfig({ apiKey: KEY, proxyUrl: 'not a url' });
    expect((await configError(load())).message).toContain('config.json: proxyUrl: not a valid URL');
  });

  it('out of range, not an object, empty string, nested paths', async () => {
    await writeConfig({ port: 70000 });
    expect((await configError(load())).message).toBe('config.json: port: must be <= 65535, received 70000');
    await writeConfig([1]);
    expect((await configError(load())).message).toBe('config.json: expected a JSON object, received array');
    await writeConfig({ apiKey: '' });
    expect((await configError(load())).message).toBe('config.json: apiKey: must not be empty');
    await writeConfig({ apiKey: KEY, modelMapping: { 'claude-*': 5 } });
    expect((await configError(load())).message).toBe(
      'config.json: modelMapping["claude-*"]: expected string, received number',
    );
  });

  it('names an absolute path for a file outside cwd', async () => {
    const outside = await fs.mkdtemp(path.join(os.tmpdir(), 'kirogate-outside-'));
    try {
      await fs.writeFile(path.join(outside, 'c.json'), '{"port": true}');
      expect((await configError(load({ configPath: path.join(outside, 'c.json') }))).message).toBe(
        `${path.join(outside, 'c.json')}: port: expected number, received boolean`,
      );
    } finally {
      await fs.rm(outside, { recursive: true, force: true });
    }
  });
});
