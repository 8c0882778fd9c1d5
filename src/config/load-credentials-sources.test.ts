// loadCredentials: environment variables and the Kiro IDE token cache.
import fs from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../shared/clock.js';
import { sha256Hex } from '../upstream/machine-id.js';
import { config, configError, token, useCredentialsSandbox } from './credentials-test-helpers.js';

const sandbox = useCredentialsSandbox('kirogate-sources-', { clock: new ManualClock(Date.UTC(2026, 0, 1)) });
const { load } = sandbox;
let cacheDir: string;
/** Env accounts are keyed by variable and a hash of the configured secret. */
const envKey = (variable: string, secret: string): string =>
  `env:${variable}:${sha256Hex(`${variable}/${secret}`).slice(0, 16)}`;

beforeEach(async () => {
  cacheDir = path.join(sandbox.home, '.aws', 'sso', 'cache');
  await fs.mkdir(cacheDir, { recursive: true });
});

describe('environment credentials', () => {
  it('REFRESH_TOKEN: one social account', async () => {
    const { credentials } = await load({ env: { REFRESH_TOKEN: token('env') } });
    expect(credentials).toEqual([
      {
        spec: expect.objectContaining({
          id: 1,
          stateKey: envKey('REFRESH_TOKEN', token('env')),
          authMethod: 'social',
          origin: { kind: 'env', variable: 'REFRESH_TOKEN' },
          machineId: sha256Hex(`KotlinNativeAPI/${token('env')}`),
        }),
        tokens: { refreshToken: token('env') },
      },
    ]);
  });

  it('REFRESH_TOKEN with AUTH_METHOD, CLIENT_ID and CLIENT_SECRET', async () => {
    const env = {
      REFRESH_TOKEN: token('idc'),
      AUTH_METHOD: 'builder-id',
      CLIENT_ID: 'cid',
      CLIENT_SECRET: 'csecret',
    };
    expect((await load({ env })).credentials[0]?.spec).toMatchObject({
      authMethod: 'idc',
      clientId: 'cid',
      clientSecret: 'csecret',
    });
    expect((await load({ env: { ...env, AUTH_METHOD: '' } })).credentials[0]?.spec.authMethod).toBe('idc'); // inferred
  });

  it('names the variable in errors', async () => {
    expect(
      await configError(load({ env: { REFRESH_TOKEN: token('a'), AUTH_METHOD: 'idc', CLIENT_ID: 'c' } })),
    ).toBe('environment: CLIENT_SECRET: required when authMethod is "idc"');
    expect(await configError(load({ env: { REFRESH_TOKEN: 'aor...' } }))).toBe(
      'environment: REFRESH_TOKEN: looks truncated (contains "...")',
    );
  });

  it('KIRO_API_KEY adds an api_key credential with priority 0', async () => {
    const { credentials } = await load({ env: { KIRO_API_KEY: 'ksk_env' } });
    expect(credentials[0]?.spec).toMatchObject({
      stateKey: envKey('KIRO_API_KEY', 'ksk_env'),
      authMethod: 'api_key',
      kiroApiKey: 'ksk_env',
      priority: 0,
      machineId: sha256Hex('KiroAPIKey/ksk_env'),
      origin: { kind: 'env', variable: 'KIRO_API_KEY' },
    });
  });

  const KIRO2API = [
    { auth: 'Social', refreshToken: token('s') },
    { auth: 'IdC', refreshToken: token('i'), clientId: 'cid', clientSecret: 'cs', disabled: false },
    { auth: 'Social', refreshToken: token('d'), disabled: true },
  ];

  it('KIRO_AUTH_TOKEN as inline JSON (kiro2api)', async () => {
    const { credentials } = await load({ env: { KIRO_AUTH_TOKEN: JSON.stringify(KIRO2API) } });
    expect(credentials.map(({ spec }) => [spec.stateKey, spec.authMethod, spec.disabled])).toEqual([
      [envKey('KIRO_AUTH_TOKEN', token('s')), 'social', false],
      [envKey('KIRO_AUTH_TOKEN', token('i')), 'idc', false],
      [envKey('KIRO_AUTH_TOKEN', token('d')), 'social', true],
    ]);
    expect(credentials[1]?.spec).toMatchObject({
      clientId: 'cid',
      clientSecret: 'cs',
      origin: { kind: 'env', variable: 'KIRO_AUTH_TOKEN' },
    });
  });

  it('KIRO_AUTH_TOKEN as a path (relative, absolute, ~/), BOM tolerant', async () => {
    await fs.writeFile(path.join(sandbox.cwd, 'tokens.json'), `\uFEFF${JSON.stringify(KIRO2API)}`);
    await fs.writeFile(path.join(sandbox.home, 'tokens.json'), JSON.stringify(KIRO2API.slice(0, 1)));
    expect((await load({ env: { KIRO_AUTH_TOKEN: 'tokens.json' } })).credentials).toHaveLength(3);
    expect(
      (await load({ env: { KIRO_AUTH_TOKEN: path.join(sandbox.cwd, 'tokens.json') } })).credentials,
    ).toHaveLength(3);
    expect((await load({ env: { KIRO_AUTH_TOKEN: '~/tokens.json' } })).credentials).toHaveLength(1);
  });

  it('KIRO_AUTH_TOKEN errors name the variable (and the file)', async () => {
    expect(
      await configError(load({ env: { KIRO_AUTH_TOKEN: '[{"auth":"IdC","refreshToken":"x"' } })),
    ).toMatch(/^KIRO_AUTH_TOKEN: invalid JSON at line 1, column \d+/);
    expect(
      await configError(
        load({ env: { KIRO_AUTH_TOKEN: JSON.stringify([{ auth: 'IdC', refreshToken: token('a') }]) } }),
      ),
    ).toBe(
      'KIRO_AUTH_TOKEN: [0].clientId: required when authMethod is "idc"; [0].clientSecret: required when authMethod is "idc"',
    );
    expect(await configError(load({ env: { KIRO_AUTH_TOKEN: 'missing.json' } }))).toBe(
      `KIRO_AUTH_TOKEN (${path.join(sandbox.cwd, 'missing.json')}): not inline JSON and no such file`,
    );
  });

  it('env ids follow the file ids deterministically; file credentials come first', async () => {
    await fs.writeFile(
      path.join(sandbox.cwd, 'credentials.json'),
      JSON.stringify([{ id: 4, refreshToken: token('f') }]),
    );
    const env = {
      REFRESH_TOKEN: token('r'),
      KIRO_API_KEY: 'ksk_k',
      KIRO_AUTH_TOKEN: JSON.stringify(KIRO2API.slice(0, 2)),
    };
    const first = await load({ env });
    const second = await load({ env });
    const summary = (result: typeof first) =>
      result.credentials.map(({ spec }) => `${spec.id}:${spec.stateKey}`);
    expect(summary(first)).toEqual([
      '4:file:4',
      `5:${envKey('REFRESH_TOKEN', token('r'))}`,
      `6:${envKey('KIRO_API_KEY', 'ksk_k')}`,
      `7:${envKey('KIRO_AUTH_TOKEN', token('s'))}`,
      `8:${envKey('KIRO_AUTH_TOKEN', token('i'))}`,
    ]);
    expect(summary(second)).toEqual(summary(first));
  });

  it('keys env state by the configured secret: a new login or a reordered list starts afresh', async () => {
    const keyOf = async (env: Record<string, string>) =>
      (await load({ env })).credentials.map(({ spec }) => spec.stateKey);
    const [first] = await keyOf({ REFRESH_TOKEN: token('one') });
    expect(await keyOf({ REFRESH_TOKEN: token('one') })).toEqual([first]);
    expect(await keyOf({ REFRESH_TOKEN: token('two') })).not.toEqual([first]);
    const forward = await keyOf({ KIRO_AUTH_TOKEN: JSON.stringify(KIRO2API.slice(0, 2)) });
    const reversed = await keyOf({ KIRO_AUTH_TOKEN: JSON.stringify(KIRO2API.slice(0, 2).reverse()) });
    expect(reversed).toEqual([...forward].reverse());
  });

  it('skips an env credential that repeats a file account (shared rotating tokens would race)', async () => {
    await fs.writeFile(
      path.join(sandbox.cwd, 'credentials.json'),
      JSON.stringify([{ id: 1, refreshToken: token('same') }]),
    );
    const { credentials, notices } = await load({ env: { REFRESH_TOKEN: token('same') } });
    expect(credentials).toHaveLength(1);
    expect(notices).toContain('REFRESH_TOKEN: same account as credential #1; skipped');
  });
});

describe('Kiro IDE token cache import', () => {
  const socialCache = {
    accessToken: 'aoa-ide',
    refreshToken: token('ide'),
    expiresAt: '2026-04-24T10:00:00.000Z',
    authMethod: 'social',
    provider: 'Google',
    profileArn: 'arn:aws:codewhisperer:eu-central-1:699475941385:profile/EHGA3GRVQMUK',
    region: 'us-east-1',
  };
  const cachePath = (): string => path.join(cacheDir, 'kiro-auth-token.json');

  it('imports a social login when nothing else is configured', async () => {
    await fs.writeFile(cachePath(), `\uFEFF${JSON.stringify(socialCache)}`);
    const result = await load();
    expect(result.importedIdeCache).toBe(cachePath());
    expect(result.notices.some((notice) => notice.includes('imported the Kiro IDE login'))).toBe(true);
    expect(result.credentials).toEqual([
      {
        spec: expect.objectContaining({
          id: 1,
          stateKey: `ide-cache:${cachePath()}`,
          authMethod: 'social',
          authRegion: 'us-east-1',
          apiRegion: 'eu-central-1', // the profile's region
          origin: { kind: 'ide-cache', path: cachePath() },
        }),
        tokens: {
          accessToken: 'aoa-ide',
          refreshToken: token('ide'),
          expiresAt: Date.UTC(2026, 3, 24, 10),
          profileArn: socialCache.profileArn,
        },
      },
    ]);
    expect((await load({ config: config({ apiRegion: 'us-east-1' }) })).credentials[0]?.spec.apiRegion).toBe(
      'us-east-1',
    );
  });

  it('imports an IdC login with its client registration', async () => {
    const idcCache = {
      accessToken: 'a',
      refreshToken: token('idc'),
      expiresAt: 1.772785769036e9,
      authMethod: 'IdC',
      provider: 'Enterprise',
      clientIdHash: 'deadbeef',
      region: 'eu-west-1',
    };
    await fs.writeFile(cachePath(), JSON.stringify(idcCache));
    await fs.writeFile(
      path.join(cacheDir, 'deadbeef.json'),
      JSON.stringify({ clientId: 'reg-id', clientSecret: 'reg-secret', expiresAt: '2026-06-01T00:00:00Z' }),
    );
    const { credentials, importedIdeCache } = await load();
    expect(importedIdeCache).toBe(cachePath());
    expect(credentials[0]?.spec).toMatchObject({
      authMethod: 'idc',
      clientId: 'reg-id',
      clientSecret: 'reg-secret',
      authRegion: 'eu-west-1',
      apiRegion: 'us-east-1',
      origin: {
        kind: 'ide-cache',
        path: cachePath(),
        clientRegistrationPath: path.join(cacheDir, 'deadbeef.json'),
      },
    });
    expect(credentials[0]?.tokens.expiresAt).toBe(1772785769036);
  });

  it('warns about an expired client registration but still imports', async () => {
    await fs.writeFile(
      cachePath(),
      JSON.stringify({ refreshToken: token('idc'), authMethod: 'IdC', clientIdHash: 'h1' }),
    );
    await fs.writeFile(
      path.join(cacheDir, 'h1.json'),
      JSON.stringify({ clientId: 'c', clientSecret: 's', expiresAt: '2025-01-01T00:00:00Z' }),
    );
    const { credentials, notices } = await load();
    expect(credentials).toHaveLength(1);
    expect(notices.some((notice) => notice.includes('client registration has expired'))).toBe(true);
  });

  it('skips an IdC login whose client registration is missing, with a notice', async () => {
    await fs.writeFile(
      cachePath(),
      JSON.stringify({ refreshToken: token('idc'), authMethod: 'IdC', clientIdHash: 'nothere' }),
    );
    const { credentials, notices, importedIdeCache } = await load();
    expect(credentials).toEqual([]);
    expect(importedIdeCache).toBeUndefined();
    expect(
      notices.some((notice) => notice.includes('client registration') && notice.includes('missing')),
    ).toBe(true);
  });

  it('a broken cache file is a notice, not a start-up failure', async () => {
    await fs.writeFile(cachePath(), '{"refreshToken": ');
    const { credentials, notices } = await load();
    expect(credentials).toEqual([]);
    expect(notices.some((notice) => notice.includes('invalid JSON') && notice.includes('not imported'))).toBe(
      true,
    );
  });

  it('is not imported when any other source has a credential', async () => {
    await fs.writeFile(cachePath(), JSON.stringify(socialCache));
    expect((await load({ env: { KIRO_API_KEY: 'ksk_1' } })).importedIdeCache).toBeUndefined();
    await fs.writeFile(
      path.join(sandbox.cwd, 'credentials.json'),
      JSON.stringify([{ id: 1, disabled: true, refreshToken: token('x') }]),
    );
    const result = await load();
    expect(result.importedIdeCache).toBeUndefined();
    expect(result.credentials.map((credential) => credential.spec.origin.kind)).toEqual(['file']);
  });

  it('reports when there are no credentials at all', async () => {
    const { credentials, notices } = await load();
    expect(credentials).toEqual([]);
    expect(notices.at(-1)).toContain('no Kiro credentials');
  });
});
