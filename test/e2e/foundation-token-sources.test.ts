// Credentials that do not live in credentials.json (§6.7): env variables, whose rotated tokens live in the data
// directory, and the Kiro IDE token cache, which is written back in its own shape.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runGateway } from '../../src/gateway/run-gateway.js';
import type { RunningGateway } from '../../src/gateway/run-gateway.js';
import { createSilentLogger } from '../../src/shared/logger.js';
import { KiroSimulator } from '../../src/simulator/kiro-simulator.js';
import type { Stack } from '../helpers/start-stack.js';
import { simulatorBaseUrls } from '../../src/simulator/run-simulator-cli.js';
import { TEST_API_KEY, startStack } from '../helpers/start-stack.js';

const REFRESH_TOKEN = `aorIdC${'x'.repeat(120)}`;
const CLIENT_ID = 'client-id-for-env';
const CLIENT_SECRET = `secret-${'s'.repeat(60)}`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kirogate-sources-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function ask(baseURL: string, text = 'hello') {
  const client = new Anthropic({ baseURL, apiKey: TEST_API_KEY, maxRetries: 0 });
  return client.messages.create({
    model: 'claude-sonnet-4-6',
    max_tokens: 20,
    messages: [{ role: 'user', content: text }],
  });
}

/** Exchanges a refresh token as another client would (the Kiro IDE, or a second login). */
async function refreshElsewhere(sim: KiroSimulator, refreshToken: string): Promise<string> {
  const response = await fetch(`${sim.url}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      refreshToken,
      grantType: 'refresh_token',
    }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { refreshToken: string }).refreshToken;
}

describe('env IdC credentials (REFRESH_TOKEN + CLIENT_ID + CLIENT_SECRET)', () => {
  let sim: KiroSimulator;
  let running: RunningGateway | undefined;
  beforeEach(async () => {
    sim = await KiroSimulator.start({
      accounts: [
        {
          id: 'env',
          authMethod: 'idc',
          refreshToken: REFRESH_TOKEN,
          clientId: CLIENT_ID,
          clientSecret: CLIENT_SECRET,
        },
      ],
    });
    await writeFile(
      join(dir, 'config.json'),
      JSON.stringify({ apiKey: TEST_API_KEY, dataDir: join(dir, 'data'), ...simulatorBaseUrls(sim.url) }),
    );
  });
  afterEach(async () => {
    await running?.stop();
    running = undefined;
    await sim.close();
  });

  async function startGateway(refreshToken: string): Promise<string> {
    await running?.stop();
    running = await runGateway({
      env: { REFRESH_TOKEN: refreshToken, CLIENT_ID, CLIENT_SECRET, LOG_LEVEL: 'silent' },
      cwd: dir,
      homeDir: dir,
      logger: createSilentLogger(),
      stdout: { write: () => true } as never,
      port: 0,
      hotReload: false,
    });
    return running.url;
  }

  it('keep their rotated refresh token and machine ID across a restart', async () => {
    await ask(await startGateway(REFRESH_TOKEN));
    const rotated = sim.account('env').refreshToken;
    expect(rotated).not.toBe(REFRESH_TOKEN);

    // restart with the same (now rotated-away) env value; the upstream revokes the access token meanwhile
    const url = await startGateway(REFRESH_TOKEN);
    sim.updateAccount('env', { invalidateAccessTokens: true });
    await ask(url, 'after restart');
    expect(sim.stats.refreshCalls).toMatchObject({ idc: 2, failed: 0 });
    expect(sim.account('env').refreshToken).not.toBe(rotated);

    const machineId = createHash('sha256').update(`KotlinNativeAPI/${REFRESH_TOKEN}`).digest('hex');
    const chats = sim.stats.requests.filter((request) => request.path === '/generateAssistantResponse');
    expect(chats.map((request) => request.headers['x-amz-user-agent'])).toEqual(
      Array(chats.length).fill(`aws-sdk-js/1.0.34 KiroIDE-0.11.107-${machineId}`),
    );
  });

  it('a new REFRESH_TOKEN set by the user (new login) replaces the stored one', async () => {
    await ask(await startGateway(REFRESH_TOKEN));
    const stored = sim.account('env').refreshToken!;
    const fresh = await refreshElsewhere(sim, stored); // the stored token is now dead upstream
    sim.updateAccount('env', { invalidateAccessTokens: true });

    await ask(await startGateway(fresh), 'with the new login');
    expect(sim.stats.refreshCalls).toMatchObject({ idc: 3, failed: 0 });
    expect(running!.gateway.services.pool.list()[0]!.status).toEqual({ kind: 'active' });
  });
});

describe('the Kiro IDE token cache (~/.aws/sso/cache)', () => {
  const cacheDir = () => join(dir, '.aws', 'sso', 'cache');
  const cachePath = () => join(cacheDir(), 'kiro-auth-token.json');
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  async function readCache(): Promise<Record<string, unknown>> {
    return JSON.parse(await readFile(cachePath(), 'utf8')) as Record<string, unknown>;
  }

  it('imports a social login and writes refreshed tokens back in the IDE’s own shape', async () => {
    await mkdir(cacheDir(), { recursive: true });
    const cache = {
      accessToken: 'aoa-stale',
      refreshToken: `aorSocial${'y'.repeat(120)}`,
      expiresAt: '2020-01-01T00:00:00.000Z',
      authMethod: 'social',
      provider: 'Github',
      profileArn: 'arn:aws:codewhisperer:us-east-1:699475941385:profile/EHGA3GRVQMUK',
      region: 'us-east-1',
      ideOnlyField: { keep: true },
    };
    await writeFile(cachePath(), JSON.stringify(cache));
    stack = await startStack({
      dir,
      accounts: [],
      simulator: { accounts: [{ id: 'ide', authMethod: 'social', refreshToken: cache.refreshToken }] },
    });
    await ask(stack.url);
    expect(stack.sim.stats.refreshCalls).toMatchObject({ social: 1, failed: 0 });
    const written = await readCache();
    expect(Object.keys(written)).toEqual(Object.keys(cache));
    expect(written).toEqual({
      ...cache,
      accessToken: stack.sim.account('ide').accessToken,
      expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as string,
    });
    expect(Date.parse(written.expiresAt as string)).toBeGreaterThan(Date.now());
  });

  it('imports an IdC login with its client registration, persists rotations, and follows IDE rotations', async () => {
    await mkdir(cacheDir(), { recursive: true });
    const cache = {
      accessToken: 'aoa-stale',
      refreshToken: REFRESH_TOKEN,
      expiresAt: '2020-01-01T00:00:00.000Z',
      authMethod: 'IdC',
      provider: 'BuilderId',
      clientIdHash: 'c0ffee',
      region: 'us-east-1',
    };
    await writeFile(cachePath(), JSON.stringify(cache));
    await writeFile(
      join(cacheDir(), 'c0ffee.json'),
      JSON.stringify({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, expiresAt: '2099-01-01T00:00:00Z' }),
    );
    stack = await startStack({
      dir,
      accounts: [],
      simulator: {
        accounts: [
          {
            id: 'ide',
            authMethod: 'idc',
            profileArn: null,
            refreshToken: REFRESH_TOKEN,
            clientId: CLIENT_ID,
            clientSecret: CLIENT_SECRET,
          },
        ],
      },
    });
    await ask(stack.url);
    const rotated = stack.sim.account('ide').refreshToken!;
    expect(rotated).not.toBe(REFRESH_TOKEN);
    const written = await readCache();
    expect(written).toMatchObject({ refreshToken: rotated, clientIdHash: 'c0ffee', provider: 'BuilderId' });
    expect(written).not.toHaveProperty('profileArn');

    // the IDE refreshes on its own and saves its new token; the gateway must use it, not its stale copy
    const byIde = await refreshElsewhere(stack.sim, rotated);
    await writeFile(cachePath(), JSON.stringify({ ...written, refreshToken: byIde }));
    stack.sim.updateAccount('ide', { invalidateAccessTokens: true });
    await ask(stack.url, 'after the IDE refreshed');
    expect(stack.sim.stats.refreshCalls).toMatchObject({ idc: 3, failed: 0 });
    expect((await readCache()).refreshToken).toBe(stack.sim.account('ide').refreshToken);
  });
});
