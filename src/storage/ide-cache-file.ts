import fs from 'node:fs/promises';
import path from 'node:path';
import { parseJsonText } from '../shared/parse-json-text.js';
import { describeType } from '../shared/format-zod-issues.js';
import type { TokenState } from '../upstream/credential.js';
import { ConfigError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { atomicWriteFile, isErrorCode } from './atomic-write-file.js';
import { isRecord } from './credentials-file.js';

/** The Kiro IDE token cache file name under ~/.aws/sso/cache (protocol §6.7). */
export const IDE_TOKEN_CACHE_FILE = 'kiro-auth-token.json';

/** Where the IDE keeps its token cache for a given home directory. */
export function ideTokenCachePath(homeDir: string): string {
  return path.join(homeDir, '.aws', 'sso', 'cache', IDE_TOKEN_CACHE_FILE);
}

/** Epoch ms from an RFC 3339 string or an epoch number (seconds or ms, floats allowed). */
export function parseExpiry(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return epochToMs(value);
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text)) return epochToMs(Number(text));
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Values below 10^11 are seconds (10^11 s is the year 5138), larger ones milliseconds. */
function epochToMs(value: number): number {
  return Math.round(value < 1e11 ? value * 1000 : value);
}

/** Reads an IDE-shaped JSON object file (BOM tolerant). Undefined when it does not exist. */
export async function readJsonObjectFile(
  filePath: string,
  label = filePath,
): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await fs.readFile(filePath, 'utf8');
  } catch (error) {
    if (isErrorCode(error, 'ENOENT')) return undefined;
    throw error;
  }
  const value = parseJsonText(text, label);
  if (!isRecord(value)) throw new ConfigError(label, [`expected an object, received ${describeType(value)}`]);
  return value;
}

/**
 * The Kiro IDE's token cache, written back in the IDE's own shape. The IDE and kirogate share rotating IdC
 * refresh tokens, so each write re-reads the file and keeps every field kirogate does not own.
 */
export class IdeCacheFile {
  readonly path: string;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    filePath: string,
    private readonly options: { logger: Logger },
  ) {
    this.path = path.resolve(filePath);
  }

  /** The tokens currently in the file (the IDE may have refreshed them). */
  async readTokens(): Promise<TokenState | undefined> {
    const data = await readJsonObjectFile(this.path);
    if (data === undefined) return undefined;
    return {
      accessToken: stringField(data.accessToken),
      refreshToken: stringField(data.refreshToken),
      expiresAt: parseExpiry(data.expiresAt),
      profileArn: stringField(data.profileArn),
    };
  }

  /** Stores refreshed tokens; a missing file (IDE logged out) is left missing. */
  update(tokens: TokenState): Promise<void> {
    const run = this.queue.then(
      () => this.write(tokens),
      () => this.write(tokens),
    );
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async write(tokens: TokenState): Promise<void> {
    const data = await readJsonObjectFile(this.path);
    if (data === undefined) {
      this.options.logger.warn(
        { file: this.path },
        'Kiro IDE token cache is gone (logged out?); refreshed tokens not written to it',
      );
      return;
    }
    if (tokens.accessToken !== undefined) data.accessToken = tokens.accessToken;
    if (tokens.refreshToken !== undefined) data.refreshToken = tokens.refreshToken;
    if (tokens.expiresAt !== undefined) data.expiresAt = new Date(tokens.expiresAt).toISOString();
    // IdC caches carry clientIdHash instead of a profileArn; only social caches get one added
    const isSocial = typeof data.authMethod === 'string' && data.authMethod.toLowerCase() === 'social';
    if (tokens.profileArn !== undefined && ('profileArn' in data || isSocial))
      data.profileArn = tokens.profileArn;
    await atomicWriteFile(this.path, `${JSON.stringify(data, null, 2)}\n`, {
      mode: 0o600,
      logger: this.options.logger,
    });
  }
}

function stringField(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
