import { describe, expect, it, vi } from 'vitest';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createSilentLogger } from '../shared/logger.js';
import { sha256Hex } from '../upstream/machine-id.js';
import type { LoadCredentialsOptions } from './load-credentials.js';
import { config, token, useCredentialsSandbox } from './credentials-test-helpers.js';

const sandbox = useCredentialsSandbox('kirogate-creds-');
const { load, credentialsPath, writeCredentials, readCredentials } = sandbox;

describe('credentials.json', () => {
  it('object form: loads, assigns id 1 and persists it with the derived machine ID (still an object)', async () => {
    await writeCredentials({
      refreshToken: token('a'),
      expiresAt: '2026-04-24T10:00:00Z',
      authMethod: 'social',
      custom: 'kept',
    });
    const { credentials, fileExists, filePath } = await load();
    expect(fileExists).toBe(true);
    expect(filePath).toBe(credentialsPath());
    expect(credentials).toHaveLength(1);
    const [{ spec, tokens }] = credentials as [(typeof credentials)[0]];
    expect(spec).toMatchObject({
      id: 1,
      stateKey: 'file:1',
      authMethod: 'social',
      priority: 0,
      authRegion: 'us-east-1',
      apiRegion: 'us-east-1',
      machineId: sha256Hex(`KotlinNativeAPI/${token('a')}`),
      machineIdSource: 'refresh-token',
      endpoint: 'ide',
      proxy: undefined,
      disabled: false,
      origin: { kind: 'file', path: credentialsPath() },
    });
    expect(tokens).toEqual({ refreshToken: token('a'), expiresAt: Date.UTC(2026, 3, 24, 10) });
    expect(await readCredentials()).toEqual({
      id: 1,
      refreshToken: token('a'),
      expiresAt: '2026-04-24T10:00:00Z',
      authMethod: 'social',
      custom: 'kept',
      machineId: sha256Hex(`KotlinNativeAPI/${token('a')}`),
    });
    expect((await fs.stat(credentialsPath())).mode & 0o777).toBe(0o600);
  });

  it('array form with every §6.5 field', async () => {
    const entry = {
      id: 7,
      accessToken: 'aoa-access',
      refreshToken: token('idc'),
      profileArn: 'arn:aws:codewhisperer:us-east-1:699475941385:profile/EHGA3GRVQMUK',
      expiresAt: '2026-04-24T10:15:30.123456+00:00',
      authMethod: 'idc',
      clientId: 'client-id',
      clientSecret: 'client-secret',
      priority: 3,
      region: 'eu-west-1',
      authRegion: 'eu-north-1',
      apiRegion: 'eu-central-1',
      machineId: 'b'.repeat(64),
      email: 'user@example.com',
      subscriptionTitle: 'KIRO PRO+',
      proxyUrl: 'http://proxy.local:8080',
      proxyUsername: 'pu',
      proxyPassword: 'pp',
      disabled: true,
      endpoint: 'runtime',
    };
    await writeCredentials([entry]);
    const before = await fs.readFile(credentialsPath(), 'utf8');
    const { credentials } = await load();
    expect(credentials[0]).toEqual({
      spec: {
        id: 7,
        stateKey: 'file:7',
        authMethod: 'idc',
        clientId: 'client-id',
        clientSecret: 'client-secret',
        priority: 3,
        authRegion: 'eu-north-1',
        apiRegion: 'eu-central-1',
        machineId: 'b'.repeat(64),
        machineIdSource: 'credential',
        endpoint: 'runtime',
        proxy: { url: 'http://proxy.local:8080', username: 'pu', password: 'pp' },
        disabled: true,
        email: 'user@example.com',
        subscriptionTitle: 'KIRO PRO+',
        origin: { kind: 'file', path: credentialsPath() },
      },
      tokens: {
        accessToken: 'aoa-access',
        refreshToken: token('idc'),
        expiresAt: Date.UTC(2026, 3, 24, 10, 15, 30, 123),
        profileArn: entry.profileArn,
      },
    });
    expect(await fs.readFile(credentialsPath(), 'utf8')).toBe(before); // nothing to persist: not rewritten
  });

  it('api_key credentials, "direct" proxy and float epoch expiry', async () => {
    await writeCredentials([
      {
        id: 1,
        kiroApiKey: 'ksk_abc',
        authMethod: 'apikey',
        apiRegion: 'eu-central-1',
        proxyUrl: 'DIRECT',
        expiresAt: 1.772785769036e9,
      },
    ]);
    const { spec, tokens } = (await load()).credentials[0]!;
    expect(spec).toMatchObject({
      authMethod: 'api_key',
      kiroApiKey: 'ksk_abc',
      apiRegion: 'eu-central-1',
      proxy: 'direct',
    });
    expect(spec.machineId).toBe(sha256Hex('KiroAPIKey/ksk_abc'));
    expect(tokens.expiresAt).toBe(1772785769036);
  });

  it.each([
    [{ authMethod: 'builder-id', clientId: 'c', clientSecret: 's' }, 'idc'],
    [{ authMethod: 'iam', clientId: 'c', clientSecret: 's' }, 'idc'],
    [{ authMethod: 'IdC', clientId: 'c', clientSecret: 's' }, 'idc'],
    [{ authMethod: 'Social' }, 'social'],
    [{ authMethod: 'apikey', kiroApiKey: 'ksk_1' }, 'api_key'],
    [{ authMethod: 'API_KEY', kiroApiKey: 'ksk_1' }, 'api_key'],
    [{ clientId: 'c', clientSecret: 's' }, 'idc'],
    [{ kiroApiKey: 'ksk_1' }, 'api_key'],
    [{}, 'social'],
  ])('authMethod %j → %s', async (fields, expected) => {
    await writeCredentials([{ refreshToken: token('r'), ...fields }]);
    expect((await load()).credentials[0]?.spec.authMethod).toBe(expected);
  });

  it.each([
    ['nothing set', {}, {}, 'us-east-1', 'us-east-1'],
    ['config.region for both', { region: 'eu-central-1' }, {}, 'eu-central-1', 'eu-central-1'],
    [
      'config overrides',
      { region: 'eu-central-1', authRegion: 'eu-west-1', apiRegion: 'us-east-1' },
      {},
      'eu-west-1',
      'us-east-1',
    ],
    [
      'credential region is auth only',
      { region: 'eu-central-1' },
      { region: 'eu-west-1' },
      'eu-west-1',
      'eu-central-1',
    ],
    [
      'credential authRegion beats region',
      { authRegion: 'x-1' },
      { region: 'eu-west-1', authRegion: 'eu-north-1' },
      'eu-north-1',
      'us-east-1',
    ],
    [
      'credential apiRegion beats config.apiRegion',
      { apiRegion: 'us-east-1' },
      { apiRegion: 'eu-central-1' },
      'us-east-1',
      'eu-central-1',
    ],
    [
      'credential region beats config.authRegion',
      { authRegion: 'eu-west-2' },
      { region: 'eu-west-1' },
      'eu-west-1',
      'us-east-1',
    ],
  ])('regions (§1.4): %s', async (_name, configFields, credentialFields, authRegion, apiRegion) => {
    await writeCredentials([{ refreshToken: token('r'), ...credentialFields }]);
    const { spec } = (await load({ config: config(configFields) })).credentials[0]!;
    expect({ authRegion: spec.authRegion, apiRegion: spec.apiRegion }).toEqual({ authRegion, apiRegion });
  });

  it('endpoint defaults to config.defaultEndpoint', async () => {
    await writeCredentials([{ refreshToken: token('r') }, { refreshToken: token('s'), endpoint: 'ide' }]);
    const { credentials } = await load({ config: config({ defaultEndpoint: 'runtime' }) });
    expect(credentials.map((credential) => credential.spec.endpoint)).toEqual(['runtime', 'ide']);
  });

  it('keeps given ids, assigns max+1 to the rest and persists them, id first', async () => {
    await writeCredentials([
      { refreshToken: token('a') },
      { id: 5, refreshToken: token('b') },
      { refreshToken: token('c'), note: 'n' },
    ]);
    const { credentials } = await load();
    expect(credentials.map((credential) => credential.spec.id)).toEqual([6, 5, 7]);
    const saved = (await readCredentials()) as Record<string, unknown>[];
    expect(saved.map((entry) => entry.id)).toEqual([6, 5, 7]);
    expect(Object.keys(saved[2]!)).toEqual(['id', 'refreshToken', 'note', 'machineId']);
    expect((await load()).credentials.map((credential) => credential.spec.id)).toEqual([6, 5, 7]); // stable
  });

  it('machine IDs: derived ones are written back and survive a token rotation; configured ones are not written', async () => {
    await writeCredentials([
      { id: 1, refreshToken: token('first') },
      { id: 2, refreshToken: token('b'), machineId: '2582956e-cc88-4669-b546-07adbffcb894' },
    ]);
    const first = await load();
    const derived = sha256Hex(`KotlinNativeAPI/${token('first')}`);
    expect(first.credentials[0]?.spec.machineId).toBe(derived);
    expect(first.credentials[1]?.spec.machineId).toBe(
      '2582956ecc884669b54607adbffcb8942582956ecc884669b54607adbffcb894',
    );
    const saved = (await readCredentials()) as Record<string, unknown>[];
    expect(saved[0]?.machineId).toBe(derived);
    expect(saved[1]?.machineId).toBe('2582956e-cc88-4669-b546-07adbffcb894');

    saved[0]!.refreshToken = token('rotated');
    await writeCredentials(saved);
    expect((await load()).credentials[0]?.spec.machineId).toBe(derived);
  });

  it('config.machineId applies to every credential and is not written into the file', async () => {
    await writeCredentials([{ id: 1, refreshToken: token('a') }]);
    const { credentials } = await load({ config: config({ machineId: 'c'.repeat(64) }) });
    expect(credentials[0]?.spec).toMatchObject({ machineId: 'c'.repeat(64), machineIdSource: 'config' });
    expect(await readCredentials()).toEqual([{ id: 1, refreshToken: token('a') }]);
  });

  it('an invalid config.machineId is reported once and ignored', async () => {
    await writeCredentials([
      { id: 1, refreshToken: token('a') },
      { id: 2, refreshToken: token('b') },
    ]);
    const { credentials, notices } = await load({ config: config({ machineId: 'nope' }) });
    expect(credentials.map((credential) => credential.spec.machineIdSource)).toEqual([
      'refresh-token',
      'refresh-token',
    ]);
    expect(notices.filter((notice) => notice.includes('machineId'))).toEqual([
      'config machineId is neither 64 hex characters nor a UUID; ignored',
    ]);
  });

  it('logs every notice at warn level without secrets', async () => {
    await writeCredentials([{ refreshToken: 'aor-short-secret', clientId: 'c', clientSecret: 'cs-secret' }]);
    const spyLogger = createSilentLogger();
    const warn = vi.spyOn(spyLogger, 'warn');
    const { notices } = await load({ logger: spyLogger });
    expect(warn.mock.calls.map((call) => call[0])).toEqual(notices);
    expect(JSON.stringify(warn.mock.calls)).not.toMatch(/secret/);
  });

  it('an invalid machineId is ignored with a notice and replaced by the derived one', async () => {
    await writeCredentials([{ id: 1, refreshToken: token('a'), machineId: 'not-a-machine-id' }]);
    const { credentials, notices } = await load();
    expect(credentials[0]?.spec.machineId).toBe(sha256Hex(`KotlinNativeAPI/${token('a')}`));
    expect(
      notices.some((notice) => notice.includes('machineId is neither 64 hex characters nor a UUID')),
    ).toBe(true);
  });

  it('accepts a UTF-8 BOM, null fields and a blank file', async () => {
    await writeCredentials(`\uFEFF[{"id": 1, "refreshToken": "${token('a')}", "profileArn": null}]`);
    expect((await load()).credentials).toHaveLength(1);
    await writeCredentials('  \n');
    expect(await load()).toMatchObject({ credentials: [], fileExists: true });
  });

  it('a missing file is fine', async () => {
    expect(await load()).toMatchObject({ credentials: [], fileExists: false });
  });

  it('path: --credentials beats KIROGATE_CREDENTIALS beats ./credentials.json', async () => {
    await writeCredentials([{ id: 1, refreshToken: token('default') }]);
    await fs.writeFile(
      path.join(sandbox.cwd, 'env.json'),
      JSON.stringify([{ id: 2, refreshToken: token('env') }]),
    );
    await fs.writeFile(
      path.join(sandbox.cwd, 'flag.json'),
      JSON.stringify([{ id: 3, refreshToken: token('flag') }]),
    );
    const ids = async (options: Partial<LoadCredentialsOptions>) =>
      (await load(options)).credentials.map((credential) => credential.spec.id);
    expect(await ids({})).toEqual([1]);
    expect(await ids({ env: { KIROGATE_CREDENTIALS: 'env.json' } })).toEqual([2]);
    expect(await ids({ env: { KIROGATE_CREDENTIALS: 'env.json' }, credentialsPath: 'flag.json' })).toEqual([
      3,
    ]);
  });

  it('a read-only file still loads; ids are then only in memory', async () => {
    await writeCredentials([{ refreshToken: token('a') }]);
    vi.spyOn(fs, 'rename').mockRejectedValueOnce(Object.assign(new Error('read-only'), { code: 'EROFS' }));
    const { credentials, notices } = await load();
    expect(credentials[0]?.spec.id).toBe(1);
    expect(notices.join('\n')).toContain('could not save assigned ids / machine IDs (EROFS)');
  });
});
