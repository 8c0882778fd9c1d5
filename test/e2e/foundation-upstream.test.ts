// Upstream calls as the simulator receives them: headers (§2.1, §2.2), machine IDs (§2.3), profileArn (§3.6),
// the runtime endpoint (§1.2) and the typed usage and model calls (§7).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CredentialEntry } from '../../src/credentials/credential-entry.js';
import { ManualClock } from '../../src/shared/clock.js';
import type { RecordedRequest } from '../../src/simulator/sim-stats.js';
import { DEFAULT_SOCIAL_PROFILE_ARN } from '../../src/simulator/sim-account.js';
import type { KiroCallContext } from '../../src/upstream/kiro-client.js';
import type { Stack } from '../helpers/start-stack.js';
import { startStack } from '../helpers/start-stack.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TRANSPORT_HEADERS = new Set(['host', 'connection', 'content-length', 'transfer-encoding']);
const IDENTITY = { kiroVersion: '0.12.9', systemVersion: 'linux#6.8.0', nodeVersion: '20.20.0' };
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** What the gateway chose to send: everything but the transport headers undici adds. */
function sentHeaders(request: RecordedRequest): Record<string, string> {
  return Object.fromEntries(Object.entries(request.headers).filter(([name]) => !TRANSPORT_HEADERS.has(name)));
}

function requestsOf(stack: Stack, accountId: string, path: string): RecordedRequest[] {
  return stack.sim.stats.requests.filter(
    (request) => request.accountId === accountId && request.path.split('?')[0] === path,
  );
}

async function ask(stack: Stack, text = 'hello'): Promise<void> {
  await stack.anthropic.messages.create({
    model: 'claude-sonnet-4-6',
    max_tokens: 50,
    messages: [{ role: 'user', content: text }],
  });
}

function entryFor(stack: Stack, index: number): CredentialEntry {
  return stack.gateway.services.pool.list()[index]!;
}

async function callContext(stack: Stack, entry: CredentialEntry): Promise<KiroCallContext> {
  const accessToken = await stack.gateway.services.tokens.getAccessToken(entry);
  return { spec: entry.spec, accessToken, profileArn: entry.tokens.profileArn };
}

describe('headers, machine IDs and profileArn per account (ide endpoint)', () => {
  const UUID_MACHINE_ID = '2582956e-cc88-4669-b546-07adbffcb894';
  let stack: Stack;
  let machineIds: Record<string, string>;

  beforeAll(async () => {
    stack = await startStack({
      accounts: [
        { id: 'social', authMethod: 'social' },
        { id: 'idc', authMethod: 'idc' },
        { id: 'builder', authMethod: 'idc', profileArn: null },
        { id: 'apikey', authMethod: 'api_key' },
        { id: 'uuid', authMethod: 'social' },
      ],
      credentialFields: [{}, {}, {}, {}, { machineId: UUID_MACHINE_ID }],
      config: { ...IDENTITY, loadBalancingMode: 'round-robin' },
      simulator: { recordLimit: 500 },
    });
    const [social, idc, builder, apikey] = stack.accounts;
    machineIds = {
      social: sha256(`KotlinNativeAPI/${social!.refreshToken}`),
      idc: sha256(`KotlinNativeAPI/${idc!.refreshToken}`),
      builder: sha256(`KotlinNativeAPI/${builder!.refreshToken}`),
      apikey: sha256(`KiroAPIKey/${apikey!.apiKey}`),
      uuid: UUID_MACHINE_ID.replaceAll('-', '').repeat(2),
    };
    for (let index = 0; index < stack.accounts.length; index++) await ask(stack, `round ${index}`);
  });
  afterAll(() => stack.close());

  it('served one request per account', () => {
    expect(stack.sim.stats.chatByAccount).toEqual({ social: 1, idc: 1, builder: 1, apikey: 1, uuid: 1 });
  });

  it('persists derived machine IDs in credentials.json and keeps a configured one as written', async () => {
    const file = JSON.parse(await readFile(stack.credentialsPath, 'utf8')) as Record<string, unknown>[];
    expect(file.map((entry) => entry.machineId)).toEqual([
      machineIds.social,
      machineIds.idc,
      machineIds.builder,
      machineIds.apikey,
      UUID_MACHINE_ID,
    ]);
  });

  it('sends the §2.1 chat headers, exactly, with each account’s machine ID and the configured versions', () => {
    for (const [accountId, machineId] of Object.entries(machineIds)) {
      const [chat] = requestsOf(stack, accountId, '/generateAssistantResponse');
      const tag = `KiroIDE-0.12.9-${machineId}`;
      expect(sentHeaders(chat!), accountId).toEqual({
        'content-type': 'application/json',
        'x-amzn-codewhisperer-optout': 'true',
        'x-amzn-kiro-agent-mode': 'vibe',
        'x-amz-user-agent': `aws-sdk-js/1.0.34 ${tag}`,
        'user-agent':
          'aws-sdk-js/1.0.34 ua/2.1 os/linux#6.8.0 lang/js md/nodejs#20.20.0 ' +
          `api/codewhispererstreaming#1.0.34 m/E ${tag}`,
        'amz-sdk-invocation-id': expect.stringMatching(UUID),
        'amz-sdk-request': 'attempt=1; max=3',
        authorization: 'Bearer [redacted]',
        ...(accountId === 'apikey' ? { tokentype: 'API_KEY' } : {}),
      });
    }
  });

  it('injects each account’s own profileArn at the body root, and none for Builder ID or API keys', () => {
    const arnOf = (accountId: string) =>
      (requestsOf(stack, accountId, '/generateAssistantResponse')[0]!.body as Record<string, unknown>)
        .profileArn;
    expect(arnOf('social')).toBe(DEFAULT_SOCIAL_PROFILE_ARN);
    expect(arnOf('idc')).toBe(stack.sim.account('idc').profileArn);
    expect(arnOf('idc')).toMatch(/^arn:aws:codewhisperer:us-east-1:\d+:profile\//);
    expect(arnOf('builder')).toBeUndefined();
    expect(arnOf('apikey')).toBeUndefined();
  });

  it('sends the §2.2 social refresh headers', () => {
    const [refresh] = requestsOf(stack, 'social', '/refreshToken');
    expect(sentHeaders(refresh!)).toEqual({
      accept: 'application/json, text/plain, */*',
      'content-type': 'application/json',
      'user-agent': `KiroIDE-0.12.9-${machineIds.social}`,
    });
    expect(refresh!.body).toEqual({ refreshToken: '[redacted]' });
  });

  it('sends the §2.2 IdC refresh headers and the camelCase JSON body (§6.2)', () => {
    for (const accountId of ['idc', 'builder']) {
      const [refresh] = requestsOf(stack, accountId, '/token');
      expect(sentHeaders(refresh!)).toEqual({
        'content-type': 'application/json',
        'x-amz-user-agent': 'aws-sdk-js/3.980.0 KiroIDE',
        'user-agent':
          'aws-sdk-js/3.980.0 ua/2.1 os/linux#6.8.0 lang/js md/nodejs#20.20.0 api/sso-oidc#3.980.0 m/E KiroIDE',
        'amz-sdk-invocation-id': expect.stringMatching(UUID),
        'amz-sdk-request': 'attempt=1; max=4',
      });
      expect(refresh!.body).toEqual({
        clientId: stack.sim.account(accountId).clientId,
        clientSecret: '[redacted]',
        refreshToken: '[redacted]',
        grantType: 'refresh_token',
      });
    }
    expect(requestsOf(stack, 'apikey', '/token')).toEqual([]);
    expect(requestsOf(stack, 'apikey', '/refreshToken')).toEqual([]);
  });

  it('sends the §2.2 getUsageLimits headers and query, with the profileArn when the account has one', async () => {
    const { accounts } = stack.gateway.services;
    for (const [index, accountId] of ['social', 'idc', 'builder', 'apikey'].entries()) {
      await accounts.refreshUsage(entryFor(stack, index));
      const [usage] = requestsOf(stack, accountId, '/getUsageLimits');
      const tag = `KiroIDE-0.12.9-${machineIds[accountId]}`;
      expect(sentHeaders(usage!)).toEqual({
        'x-amz-user-agent': `aws-sdk-js/1.0.0 ${tag}`,
        'user-agent':
          'aws-sdk-js/1.0.0 ua/2.1 os/linux#6.8.0 lang/js md/nodejs#20.20.0 ' +
          `api/codewhispererruntime#1.0.0 m/N,E ${tag}`,
        'amz-sdk-invocation-id': expect.stringMatching(UUID),
        'amz-sdk-request': 'attempt=1; max=1',
        authorization: 'Bearer [redacted]',
        ...(accountId === 'apikey' ? { tokentype: 'API_KEY' } : {}),
      });
      const query = new URL(usage!.path, 'http://x').searchParams;
      expect(query.get('origin')).toBe('AI_EDITOR');
      expect(query.get('resourceType')).toBe('AGENTIC_REQUEST');
      expect(query.get('isEmailRequired')).toBe('true');
      expect(query.get('profileArn') ?? undefined).toBe(stack.sim.account(accountId).profileArn);
      expect(entryFor(stack, index).usage?.email).toBe(stack.sim.account(accountId).email);
    }
  });
});

describe('profileArn follows the chosen account through failover', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      accounts: [
        { id: 'first', authMethod: 'social', throttled: { retryAfterSeconds: 60 } },
        { id: 'second', authMethod: 'idc' },
      ],
      credentialFields: [{ priority: 0 }, { priority: 1 }],
    });
  });
  afterAll(() => stack.close());

  it('sends the second account’s ARN after the first one was throttled', async () => {
    await ask(stack);
    const chats = stack.sim.stats.requests.filter((request) =>
      request.path.startsWith('/generateAssistantResponse'),
    );
    expect(chats.map((request) => [request.accountId, request.status])).toEqual([
      ['first', 429],
      ['second', 200],
    ]);
    const arns = chats.map((request) => (request.body as { profileArn?: string }).profileArn);
    expect(arns).toEqual([DEFAULT_SOCIAL_PROFILE_ARN, stack.sim.account('second').profileArn]);
  });
});

describe('the runtime endpoint (§1.2)', () => {
  it('per credential: resolves a missing profileArn via listAvailableProfiles, uses /runtime and /management', async () => {
    const stack = await startStack({
      accounts: [{ id: 'idc', authMethod: 'idc' }],
      credentialFields: [{ endpoint: 'runtime', profileArn: undefined }],
    });
    try {
      const before = JSON.parse(await readFile(stack.credentialsPath, 'utf8')) as Record<string, unknown>[];
      expect(before[0]).not.toHaveProperty('profileArn');
      await ask(stack);
      const arn = stack.sim.account('idc').profileArn;
      const paths = stack.sim.stats.requests.map((request) => `${request.method} ${request.path}`);
      expect(paths).toEqual([
        'POST /token',
        'POST /management/listAvailableProfiles',
        `GET /management/ListAvailableModels?origin=AI_EDITOR&profileArn=${encodeURIComponent(arn!)}`,
        'POST /runtime/generateAssistantResponse',
      ]);
      const chat = stack.sim.stats.requests[3]!;
      expect(chat.status).toBe(200);
      expect((chat.body as { profileArn?: string }).profileArn).toBe(arn);
      const after = JSON.parse(await readFile(stack.credentialsPath, 'utf8')) as Record<string, unknown>[];
      expect(after[0]!.profileArn).toBe(arn);

      await stack.gateway.services.accounts.refreshUsage(entryFor(stack, 0));
      const usage = stack.sim.stats.requests.at(-1)!;
      expect(usage.path).toMatch(/^\/management\/getUsageLimits\?/);
      expect(usage.status).toBe(200);
      expect(stack.sim.stats.profileCalls).toBe(1);
    } finally {
      await stack.close();
    }
  });

  it('globally (defaultEndpoint), with a per-credential "ide" override', async () => {
    const stack = await startStack({
      accounts: [
        { id: 'runtime', authMethod: 'social' },
        { id: 'ide', authMethod: 'social' },
      ],
      credentialFields: [{ profileArn: undefined }, { endpoint: 'ide' }],
      config: { defaultEndpoint: 'runtime', loadBalancingMode: 'round-robin' },
    });
    try {
      await ask(stack);
      await ask(stack);
      const [runtimeChat] = requestsOf(stack, 'runtime', '/runtime/generateAssistantResponse');
      // the social refresh returned the ARN, so no profile lookup was needed
      expect((runtimeChat!.body as { profileArn?: string }).profileArn).toBe(DEFAULT_SOCIAL_PROFILE_ARN);
      expect(requestsOf(stack, 'ide', '/generateAssistantResponse')).toHaveLength(1);
      expect(stack.sim.stats.profileCalls).toBe(0);
    } finally {
      await stack.close();
    }
  });
});

describe('typed getUsageLimits and listAvailableModels', () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 15, 12, 0, 0, 250));
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      clock,
      accounts: [
        {
          id: 'pro',
          authMethod: 'idc',
          tier: 'PRO',
          currentUsage: 100.25,
          freeTrial: { usageLimit: 500, currentUsage: 10.5, expiresAt: Date.UTC(2026, 1, 1, 0, 0, 0, 500) },
          bonuses: [
            { bonusCode: 'WELCOME', usageLimit: 100, currentUsage: 5, expiresAt: Date.UTC(2026, 5, 1) },
            { bonusCode: 'OLD', usageLimit: 300, status: 'EXPIRED' },
          ],
        },
      ],
    });
  });
  afterAll(() => stack.close());

  it('parses float epochs, bonuses and the free trial, and summarises them as kiro.rs does (§7.3)', async () => {
    const entry = entryFor(stack, 0);
    const raw = await stack.gateway.services.client.getUsageLimits(await callContext(stack, entry));
    const breakdown = raw.usageBreakdownList![0]!;
    expect(breakdown.freeTrialInfo?.freeTrialExpiry).toBe(Date.UTC(2026, 1, 1, 0, 0, 0, 500) / 1000);
    expect(breakdown.bonuses?.map((bonus) => [bonus.bonusCode, bonus.status])).toEqual([
      ['WELCOME', 'ACTIVE'],
      ['OLD', 'EXPIRED'],
    ]);

    const snapshot = await stack.gateway.services.accounts.refreshUsage(entry);
    expect(snapshot).toMatchObject({
      subscriptionTitle: 'KIRO PRO',
      subscriptionType: 'Q_DEVELOPER_STANDALONE_PRO',
      email: stack.sim.account('pro').email,
      limit: 1000 + 500 + 100,
      used: 100.25 + 10.5 + 5,
      remaining: 1600 - 115.75,
      bonusRemaining: 95,
      nextResetAt: Date.UTC(2026, 1, 1),
      fetchedAt: clock.now(),
    });
    expect(entry.usage).toEqual(snapshot);
  });

  it('lists the models the account may use', async () => {
    const entry = entryFor(stack, 0);
    const models = await stack.gateway.services.client.listAvailableModels(await callContext(stack, entry));
    expect(models.length).toBeGreaterThan(3);
    expect(models.map((model) => model.modelId)).toContain('claude-sonnet-4.5');
    for (const model of models) expect(model.tokenLimits?.maxInputTokens).toBeGreaterThan(0);
    const request = stack.sim.stats.requests.at(-1)!;
    expect(request.path).toMatch(/^\/ListAvailableModels\?origin=AI_EDITOR&profileArn=arn/);
    expect(request.status).toBe(200);
  });
});
