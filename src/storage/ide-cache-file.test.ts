import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSilentLogger } from '../shared/logger.js';
import { IdeCacheFile, ideTokenCachePath, parseExpiry } from './ide-cache-file.js';

let dir: string;
const logger = createSilentLogger();

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kirogate-ide-'));
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('parseExpiry', () => {
  it('reads RFC 3339 (microseconds, offsets), epoch seconds, epoch ms and float epochs', () => {
    expect(parseExpiry('2026-04-24T10:15:30.123456+00:00')).toBe(Date.UTC(2026, 3, 24, 10, 15, 30, 123));
    expect(parseExpiry('2026-04-24T12:15:30+02:00')).toBe(Date.UTC(2026, 3, 24, 10, 15, 30));
    expect(parseExpiry(1772785769)).toBe(1772785769000);
    expect(parseExpiry(1.772785769036e9)).toBe(1772785769036);
    expect(parseExpiry('1.772785769036E9')).toBe(1772785769036);
    expect(parseExpiry(1772785769036)).toBe(1772785769036);
    expect(parseExpiry('soon')).toBeUndefined();
    expect(parseExpiry(undefined)).toBeUndefined();
  });
});

describe('IdeCacheFile', () => {
  const social = {
    accessToken: 'aoa-old',
    refreshToken: 'aor-old',
    expiresAt: '2026-04-24T10:00:00.000Z',
    authMethod: 'social',
    provider: 'Google',
    profileArn: 'arn:aws:codewhisperer:us-east-1:699475941385:profile/OLD',
    region: 'us-east-1',
  };

  it('locates the cache under the home directory', () => {
    expect(ideTokenCachePath('/home/u')).toBe('/home/u/.aws/sso/cache/kiro-auth-token.json');
  });

  it('writes refreshed tokens in the IDE shape and keeps every other field', async () => {
    const file = path.join(dir, 'kiro-auth-token.json');
    await fs.writeFile(file, `\uFEFF${JSON.stringify(social)}`);
    const cache = new IdeCacheFile(file, { logger });
    await cache.update({
      accessToken: 'aoa-new',
      refreshToken: 'aor-new',
      expiresAt: Date.UTC(2026, 3, 24, 11),
      profileArn: 'arn:new',
    });
    expect(JSON.parse(await fs.readFile(file, 'utf8'))).toEqual({
      ...social,
      accessToken: 'aoa-new',
      refreshToken: 'aor-new',
      expiresAt: '2026-04-24T11:00:00.000Z',
      profileArn: 'arn:new',
    });
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect(await cache.readTokens()).toEqual({
      accessToken: 'aoa-new',
      refreshToken: 'aor-new',
      expiresAt: Date.UTC(2026, 3, 24, 11),
      profileArn: 'arn:new',
    });
  });

  it('does not add a profileArn to an IdC cache and keeps the refresh token when it did not rotate', async () => {
    const file = path.join(dir, 'kiro-auth-token.json');
    const idc = {
      accessToken: 'a',
      refreshToken: 'r',
      expiresAt: '2026-01-01T00:00:00.000Z',
      authMethod: 'IdC',
      provider: 'Enterprise',
      clientIdHash: 'abc',
      region: 'eu-west-1',
    };
    await fs.writeFile(file, JSON.stringify(idc));
    await new IdeCacheFile(file, { logger }).update({ accessToken: 'a2', profileArn: 'arn:x' });
    expect(JSON.parse(await fs.readFile(file, 'utf8'))).toEqual({ ...idc, accessToken: 'a2' });
  });

  it('serialises writes: the last refresh wins', async () => {
    const file = path.join(dir, 'kiro-auth-token.json');
    await fs.writeFile(file, JSON.stringify(social));
    const cache = new IdeCacheFile(file, { logger });
    await Promise.all([cache.update({ accessToken: 'one' }), cache.update({ accessToken: 'two' })]);
    expect((await cache.readTokens())?.accessToken).toBe('two');
  });

  it('leaves a missing cache missing (IDE logged out)', async () => {
    const file = path.join(dir, 'kiro-auth-token.json');
    await new IdeCacheFile(file, { logger }).update({ accessToken: 'x' });
    await expect(fs.access(file)).rejects.toThrow();
  });
});
