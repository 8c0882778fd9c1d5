import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { atomicWriteFile, isErrorCode } from '../storage/atomic-write-file.js';
import { PROXY_PROTOCOLS } from '../upstream/http-dispatchers.js';
import type { Config } from './config-schema.js';
import { KNOWN_CONFIG_KEYS, configSchema } from './config-schema.js';
import { describeType, formatZodIssues } from '../shared/format-zod-issues.js';
import { parseJsonText } from '../shared/parse-json-text.js';
import { readEnvOverrides } from './read-env-overrides.js';

export interface LoadConfigOptions {
  /** From -c / --config; beats KIROGATE_CONFIG, which beats ./config.json. */
  configPath?: string;
  env: Record<string, string | undefined>;
  cwd: string;
  logger: Logger;
}

export interface LoadedConfig {
  config: Config;
  /** Absolute path of the config file (whether or not it exists). */
  configPath: string;
  configFileExists: boolean;
  /** Set on first run: the new client API key, to print once. */
  generatedApiKey?: string;
  /** False when the generated key could not be saved (read-only file): it changes on every start. */
  generatedApiKeySaved?: boolean;
  /** Top-level keys neither kiro.rs nor kirogate knows; the caller warns about them. */
  unknownKeys: string[];
}

const BASE_URL_KEYS = [
  'apiBaseUrl',
  'runtimeBaseUrl',
  'managementBaseUrl',
  'authBaseUrl',
  'oidcBaseUrl',
] as const;

/** Loads config.json (kiro.rs format plus kirogate fields): defaults ← file ← environment. */
export async function loadConfig(options: LoadConfigOptions): Promise<LoadedConfig> {
  const { env, cwd, logger } = options;
  const configPath = path.resolve(cwd, options.configPath ?? nonEmpty(env.KIROGATE_CONFIG) ?? 'config.json');
  const label = displayPath(cwd, configPath);

  const text = await readOptionalFile(configPath, label);
  const fileObject = text === undefined ? {} : parseConfigObject(text, label);
  const unknownKeys = Object.keys(fileObject).filter((key) => !KNOWN_CONFIG_KEYS.has(key));

  const fileResult = configSchema.safeParse(fileObject);
  if (!fileResult.success) throw new ConfigError(label, formatZodIssues(fileResult.error.issues, fileObject));

  const { overrides, variables, problems } = readEnvOverrides(env, logger);
  if (problems.length > 0) throw new ConfigError('environment', problems);
  const merged: Record<string, unknown> = { ...fileObject, ...overrides };
  const mergedResult = configSchema.safeParse(merged);
  if (!mergedResult.success) {
    // only env values can fail here: the file alone validated
    const lines = formatZodIssues(mergedResult.error.issues, merged).map((line) => {
      const key = line.split(/[.:[]/, 1)[0] ?? '';
      const variable = variables.get(key);
      return variable === undefined ? line : `${variable}${line.slice(key.length)}`;
    });
    throw new ConfigError('environment', lines);
  }

  const config: Config = mergedResult.data;
  const proxyVariable = variables.get('proxyUrl');
  checkProxyUrl(
    config.proxyUrl,
    proxyVariable === undefined ? [label, 'proxyUrl'] : ['environment', proxyVariable],
  );
  normalize(config, cwd, logger);

  const loaded: LoadedConfig = { config, configPath, configFileExists: text !== undefined, unknownKeys };
  if (config.apiKey === undefined) {
    const apiKey = generateApiKey();
    config.apiKey = apiKey;
    loaded.generatedApiKey = apiKey;
    loaded.generatedApiKeySaved = await saveGeneratedApiKey(configPath, label, text, apiKey, logger);
    loaded.configFileExists ||= loaded.generatedApiKeySaved;
  } else if (config.apiKey.length < 16) {
    logger.warn('apiKey is shorter than 16 characters; anyone who can reach the port can guess it');
  }
  loaded.config = deepFreeze(config);
  return loaded;
}

/** `sk-kirogate-` + 43 base64url characters (256 random bits). */
export function generateApiKey(): string {
  return `sk-kirogate-${randomBytes(32).toString('base64url')}`;
}

async function readOptionalFile(filePath: string, label: string): Promise<string | undefined> {
  try {
    return await fs.readFile(filePath, 'utf8');
  } catch (error) {
    if (isErrorCode(error, 'ENOENT')) return undefined;
    if (isErrorCode(error, 'EISDIR')) throw new ConfigError(label, ['is a directory, expected a JSON file']);
    if (isErrorCode(error, 'EACCES')) throw new ConfigError(label, ['permission denied']);
    throw error;
  }
}

/** The file's top-level object, with `null` values treated as unset (serde reads them as None). */
function parseConfigObject(text: string, label: string): Record<string, unknown> {
  if (text.replace(/^\uFEFF/, '').trim() === '') return {};
  const value = parseJsonText(text, label);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(label, [`expected a JSON object, received ${describeType(value)}`]);
  }
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== null));
}

/** [file, field]: the config file and `proxyUrl`, or `environment` and `PROXY_URL`. */
function checkProxyUrl(proxyUrl: string | undefined, [file, field]: [string, string]): void {
  if (proxyUrl === undefined || proxyUrl === '') return;
  let protocol: string;
  try {
    protocol = new URL(proxyUrl).protocol;
  } catch {
    throw new ConfigError(file, [
      `${field}: not a valid URL (expected e.g. http://host:port or socks5://host:port)`,
    ]);
  }
  if (!PROXY_PROTOCOLS.has(protocol)) {
    throw new ConfigError(file, [`${field}: unsupported scheme "${protocol}" (use http, https or socks5)`]);
  }
}

function normalize(config: Config, cwd: string, logger: Logger): void {
  for (const key of BASE_URL_KEYS) config[key] = config[key].replace(/\/+$/, '');
  config.dataDir = path.resolve(cwd, config.dataDir);
  config.caCertificates = config.caCertificates.map((file) => path.resolve(cwd, file));
  if (config.adminApiKey !== undefined && config.adminApiKey.trim() === '') {
    // kiro.rs ffd73e7: an empty admin key once meant "no auth"; here it means "admin API off"
    config.adminApiKey = undefined;
    logger.warn('adminApiKey is empty; the admin API stays disabled');
  } else if (config.adminApiKey !== undefined && config.adminApiKey === config.apiKey) {
    logger.warn('adminApiKey equals apiKey: every client can use the admin API');
  }
  if (config.proxyUrl === '') config.proxyUrl = undefined;
}

/** Adds apiKey to the config file (created 0600 if missing), keeping every other field and its order. */
async function saveGeneratedApiKey(
  configPath: string,
  label: string,
  text: string | undefined,
  apiKey: string,
  logger: Logger,
): Promise<boolean> {
  const existing =
    text === undefined
      ? {}
      : (parseJsonText(text.trim() === '' ? '{}' : text, label) as Record<string, unknown>);
  const updated = insertAfter(existing, 'apiKey', apiKey, ['port', 'host']);
  try {
    if (text === undefined) await fs.mkdir(path.dirname(configPath), { recursive: true, mode: 0o700 });
    await atomicWriteFile(configPath, `${JSON.stringify(updated, null, 2)}\n`, { mode: 0o600, logger });
    logger.info({ file: configPath }, 'generated a client API key and saved it to the config file');
    return true;
  } catch (error) {
    const code =
      typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'error';
    logger.warn(
      { file: configPath, code },
      'could not save the generated API key; it will change on restart (set apiKey or API_KEY)',
    );
    return false;
  }
}

/** Sets `key` in place when present, otherwise right after the first existing anchor, otherwise first. */
function insertAfter(
  object: Record<string, unknown>,
  key: string,
  value: unknown,
  anchors: string[],
): Record<string, unknown> {
  if (key in object) return { ...object, [key]: value };
  const anchor = anchors.find((candidate) => candidate in object);
  if (anchor === undefined) return { [key]: value, ...object };
  const result: Record<string, unknown> = {};
  for (const [existingKey, existingValue] of Object.entries(object)) {
    result[existingKey] = existingValue;
    if (existingKey === anchor) result[key] = value;
  }
  return result;
}

/** `config.json` for files under cwd, the absolute path otherwise. */
export function displayPath(cwd: string, filePath: string): string {
  const relative = path.relative(cwd, filePath);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? filePath : relative;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
