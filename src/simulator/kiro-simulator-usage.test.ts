import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../shared/clock.js';
import { KiroSimulator } from './kiro-simulator.js';
import type { SimAccount } from './sim-account.js';
import { authHeaders, chat, postJson, readEvents, simpleRequest } from './simulator-test-helpers.js';

type Json = Record<string, unknown>;

describe('KiroSimulator usage, models, profiles and MCP', () => {
  let clock: ManualClock;
  let simulator: KiroSimulator;

  beforeEach(async () => {
    clock = new ManualClock(Date.UTC(2026, 4, 20, 12));
    simulator = await KiroSimulator.start({ clock });
  });
  afterEach(() => simulator.close());

  async function usageLimits(account: SimAccount, query = '', path = '/getUsageLimits'): Promise<Response> {
    return fetch(`${simulator.url}${path}?origin=AI_EDITOR&resourceType=AGENTIC_REQUEST${query}`, {
      headers: authHeaders(account),
    });
  }

  async function meteredUsage(account: SimAccount, content: string, modelId?: string): Promise<number> {
    const events = await readEvents(await chat(simulator, account, simpleRequest(content, modelId)));
    const metering = events.find((event) => event.type === 'metering');
    return metering?.type === 'metering' ? metering.usage : Number.NaN;
  }

  describe('getUsageLimits', () => {
    it('returns the §7.2 shape for the tier, with dates in epoch seconds', async () => {
      const account = simulator.addAccount({
        authMethod: 'social',
        tier: 'PRO_PLUS',
        email: 'pp@example.com',
      });
      const response = await usageLimits(account);
      expect(response.status).toBe(200);
      const body = (await response.json()) as Json;
      const reset = Date.UTC(2026, 5, 1) / 1000;
      expect(body).toMatchObject({
        daysUntilReset: 12,
        nextDateReset: reset,
        subscriptionInfo: { subscriptionTitle: 'KIRO PRO+', type: 'Q_DEVELOPER_STANDALONE_PRO_PLUS' },
        usageBreakdownList: [
          {
            resourceType: 'CREDIT',
            unit: 'INVOCATIONS',
            displayName: 'Credit',
            currentUsage: 0,
            currentUsageWithPrecision: 0,
            usageLimit: 2000,
            usageLimitWithPrecision: 2000,
            nextDateReset: reset,
          },
        ],
      });
      expect(body.userInfo).toBeUndefined();
      const withEmail = (await (await usageLimits(account, '&isEmailRequired=true')).json()) as Json;
      expect(withEmail.userInfo).toEqual({ email: 'pp@example.com', userId: account.userId });
    });

    it('titles every tier', async () => {
      const titles: Record<string, string> = { FREE: 'KIRO FREE', PRO: 'KIRO PRO', POWER: 'KIRO POWER' };
      for (const [tier, title] of Object.entries(titles)) {
        const account = simulator.addAccount({
          authMethod: 'social',
          tier: tier as 'FREE' | 'PRO' | 'POWER',
        });
        const body = (await (await usageLimits(account)).json()) as { subscriptionInfo: Json };
        expect(body.subscriptionInfo.subscriptionTitle).toBe(title);
      }
    });

    it("moves with each request's metering, scaled by the model rate", async () => {
      const account = simulator.addAccount({ authMethod: 'social' });
      const sonnet = await meteredUsage(account, 'first question');
      const haiku = await meteredUsage(account, 'first question', 'claude-haiku-4.5');
      expect(haiku).toBeLessThan(sonnet);
      const expected = sonnet + haiku;
      expect(simulator.account(account.id).currentUsage).toBeCloseTo(expected, 10);
      const body = (await (await usageLimits(account)).json()) as { usageBreakdownList: Json[] };
      expect(body.usageBreakdownList[0]).toMatchObject({
        currentUsageWithPrecision: Math.round(expected * 100) / 100,
        currentUsage: Math.round(expected),
      });
    });

    it('spends the free trial and bonuses first and reports them', async () => {
      const expiry = Date.UTC(2026, 5, 10, 8, 30, 0, 123);
      const account = simulator.addAccount({
        authMethod: 'social',
        tier: 'FREE',
        freeTrial: { usageLimit: 0.05, expiresAt: expiry },
        bonuses: [{ bonusCode: 'WELCOME', usageLimit: 100 }],
      });
      const used = await meteredUsage(account, 'hello');
      const body = (await (await usageLimits(account)).json()) as { usageBreakdownList: Json[] };
      const breakdown = body.usageBreakdownList[0]!;
      expect(breakdown.freeTrialInfo).toMatchObject({
        freeTrialStatus: 'ACTIVE',
        freeTrialExpiry: expiry / 1000,
        usageLimitWithPrecision: 0.05,
        currentUsageWithPrecision: Math.round(Math.min(used, 0.05) * 100) / 100,
      });
      expect(breakdown.bonuses).toMatchObject([{ bonusCode: 'WELCOME', status: 'ACTIVE', usageLimit: 100 }]);
      expect(breakdown.currentUsageWithPrecision).toBe(0);
      expect(String(breakdown.freeTrialInfo && (breakdown.freeTrialInfo as Json).freeTrialExpiry)).toContain(
        '.',
      );
    });

    it('exhausts the quota automatically once usage reaches the limit', async () => {
      const account = simulator.addAccount({ authMethod: 'social', usageLimit: 0.001 });
      expect((await chat(simulator, account, simpleRequest('first'))).status).toBe(200);
      const refused = await chat(simulator, account, simpleRequest('second'));
      expect(refused.status).toBe(402);
      simulator.updateAccount(account.id, { usageLimit: 1000 });
      expect((await chat(simulator, account, simpleRequest('third'))).status).toBe(200);
    });

    it("wants the profileArn of IdC accounts and refuses another account's", async () => {
      const idc = simulator.addAccount({ authMethod: 'idc' });
      const missing = await usageLimits(idc);
      expect(missing.status).toBe(403);
      expect(await missing.json()).toMatchObject({ message: 'User is not authorized to make this call.' });
      const arn = encodeURIComponent(idc.profileArn!);
      expect((await usageLimits(idc, `&profileArn=${arn}`)).status).toBe(200);
      expect((await usageLimits(idc, `&profileArn=${arn}`, '/management/getUsageLimits')).status).toBe(200);
      const social = simulator.addAccount({ authMethod: 'social' });
      expect((await usageLimits(social, `&profileArn=${arn}`)).status).toBe(403);
    });

    it('requires a valid bearer', async () => {
      const response = await fetch(`${simulator.url}/getUsageLimits`);
      expect(response.status).toBe(403);
    });
  });

  describe('ListAvailableModels', () => {
    it('lists the default models with the live field names', async () => {
      const account = simulator.addAccount({ authMethod: 'social' });
      const response = await fetch(`${simulator.url}/ListAvailableModels?origin=AI_EDITOR`, {
        headers: authHeaders(account),
      });
      const body = (await response.json()) as { models: Json[]; defaultModel: Json };
      expect(body.models.map((model) => model.modelId)).toEqual([
        'auto',
        'claude-opus-4.6',
        'claude-sonnet-4.6',
        'claude-opus-4.5',
        'claude-sonnet-4.5',
        'claude-sonnet-4',
        'claude-haiku-4.5',
        'claude-opus-4.7',
        'claude-opus-4.8',
        'claude-sonnet-5',
        'claude-opus-5',
      ]);
      const windows = Object.fromEntries(
        body.models.map((model) => [model.modelId, (model.tokenLimits as Json).maxInputTokens]),
      );
      expect(windows).toMatchObject({
        auto: 1_000_000,
        'claude-sonnet-4.5': 200_000,
        'claude-opus-5': 1_000_000,
      });
      expect(body.models[6]).toMatchObject({
        modelId: 'claude-haiku-4.5',
        modelName: 'Claude Haiku 4.5',
        rateMultiplier: 0.4,
        rateUnit: 'Credit',
        supportedInputTypes: ['TEXT', 'IMAGE'],
        tokenLimits: { maxInputTokens: 200_000, maxOutputTokens: 64_000 },
      });
      expect(body.defaultModel).toMatchObject({ modelId: 'auto', modelName: 'Auto' });
    });

    it('serves configured models and only those', async () => {
      await simulator.close();
      simulator = await KiroSimulator.start({
        models: [{ modelId: 'tiny', modelName: 'Tiny', rateMultiplier: 1, maxInputTokens: 3000 }],
      });
      const account = simulator.addAccount({ authMethod: 'social' });
      const body = (await (
        await fetch(`${simulator.url}/listAvailableModels`, { headers: authHeaders(account) })
      ).json()) as { models: Json[]; defaultModel: Json };
      expect(body.models).toHaveLength(1);
      expect(body.defaultModel.modelId).toBe('tiny');
      expect((await chat(simulator, account, simpleRequest('hi', 'tiny'))).status).toBe(200);
      expect((await chat(simulator, account, simpleRequest('hi', 'claude-sonnet-4.5'))).status).toBe(400);
      expect((await chat(simulator, account, simpleRequest('x '.repeat(1200), 'tiny'))).status).toBe(400);
    });
    it('offers each account its own list, changeable over the control route', async () => {
      const own = {
        modelId: 'claude-opus-5.5',
        modelName: 'Claude Opus 5.5',
        rateMultiplier: 2.2,
        maxInputTokens: 1_000_000,
      };
      const narrow = simulator.addAccount({ authMethod: 'social', models: ['claude-opus-4.7', own] });
      const full = simulator.addAccount({ authMethod: 'social' });
      const list = async (account: SimAccount) =>
        (await (
          await fetch(`${simulator.url}/ListAvailableModels?origin=AI_EDITOR`, {
            headers: authHeaders(account),
          })
        ).json()) as { models: Json[]; defaultModel: Json };
      const narrowList = await list(narrow);
      expect(narrowList.models.map((model) => model.modelId)).toEqual(['claude-opus-4.7', 'claude-opus-5.5']);
      expect(narrowList.defaultModel.modelId).toBe('claude-opus-4.7');
      expect((await list(full)).models).toHaveLength(11);

      expect((await chat(simulator, narrow, simpleRequest('hi', 'claude-opus-5.5'))).status).toBe(200);
      const refused = await chat(simulator, narrow, simpleRequest('hi', 'claude-sonnet-4.5'));
      expect(refused.status).toBe(400);
      expect(await refused.json()).toEqual({
        message: 'Invalid model. Please select a different model to continue.',
        reason: 'INVALID_MODEL_ID',
      });
      expect((await chat(simulator, full, simpleRequest('hi', 'claude-opus-5.5'))).status).toBe(400);

      const patch = await fetch(`${simulator.url}/__sim/accounts/${narrow.id}`, {
        method: 'PATCH',
        body: JSON.stringify({ models: ['claude-sonnet-4.5'] }),
      });
      expect(patch.status).toBe(200);
      expect((await list(narrow)).models.map((model) => model.modelId)).toEqual(['claude-sonnet-4.5']);
      expect((await chat(simulator, narrow, simpleRequest('hi', 'claude-opus-5.5'))).status).toBe(400);
      simulator.updateAccount(narrow.id, { models: null });
      expect((await list(narrow)).models).toHaveLength(11);
    });
  });

  describe('profiles', () => {
    it('lists the profile of accounts that have one and refuses Builder ID', async () => {
      const idc = simulator.addAccount({ authMethod: 'idc' });
      const listed = await postJson(simulator, '/management/listAvailableProfiles', {}, authHeaders(idc));
      expect(await listed.json()).toEqual({
        profiles: [
          {
            arn: idc.profileArn,
            profileName: 'KiroProfile',
            profileType: 'Q_DEVELOPER',
            status: 'ACTIVE',
            region: 'us-east-1',
          },
        ],
      });
      const builderId = simulator.addAccount({ authMethod: 'idc', profileArn: null });
      expect((await postJson(simulator, '/listAvailableProfiles', {}, authHeaders(builderId))).status).toBe(
        403,
      );
      const other = await postJson(
        simulator,
        '/getProfile',
        { profileArn: 'arn:aws:codewhisperer:us-east-1:1:profile/X' },
        authHeaders(idc),
      );
      expect(other.status).toBe(403);
    });
  });

  describe('MCP web search', () => {
    const call = (query: unknown) => ({
      id: 'web_search_tooluse_abc_1745480000123_k3j5h7g9',
      jsonrpc: '2.0',
      method: 'tools/call',
      params: { name: 'web_search', arguments: { query } },
    });

    it('answers tools/call with results as a JSON string', async () => {
      const account = simulator.addAccount({ authMethod: 'social' });
      const response = await postJson(simulator, '/mcp', call('rust async traits'), authHeaders(account));
      expect(response.status).toBe(200);
      const body = (await response.json()) as {
        jsonrpc: string;
        id: string;
        result: { isError: boolean; content: Json[] };
      };
      expect(Object.keys(body)).toEqual(['jsonrpc', 'id', 'result']);
      expect(body.id).toBe(call('x').id);
      expect(body.result.isError).toBe(false);
      expect(body.result.content[0]!.type).toBe('text');
      const results = JSON.parse(body.result.content[0]!.text as string) as Json;
      expect(results).toMatchObject({ totalResults: 3, query: 'rust async traits', error: null });
      expect((results.results as Json[])[0]).toMatchObject({
        title: 'Result 1 for rust async traits',
        domain: 'example.com',
        maxVerbatimWordLimit: 30,
        publicDomain: false,
      });
      expect(simulator.stats.mcpCalls).toBe(1);
    });

    it('answers the error form and bad calls', async () => {
      const account = simulator.addAccount({ authMethod: 'social' });
      simulator.setWebSearch({ error: { code: -32000, message: 'search backend down' } });
      const failed = await (await postJson(simulator, '/mcp', call('q'), authHeaders(account))).json();
      expect(failed).toEqual({
        jsonrpc: '2.0',
        id: call('q').id,
        error: { code: -32000, message: 'search backend down' },
      });
      const invalid = await (await postJson(simulator, '/mcp', call(''), authHeaders(account))).json();
      expect(invalid).toMatchObject({ error: { code: -32602 } });
      const parse = await postJson(simulator, '/mcp', '{', authHeaders(account));
      expect(parse.status).toBe(400);
      expect(await parse.json()).toMatchObject({ error: { code: -32700 } });
      expect((await postJson(simulator, '/mcp', call('q'))).status).toBe(403);
    });

    it('answers the error form only to one account when the error names it', async () => {
      const failing = simulator.addAccount({ authMethod: 'social' });
      const healthy = simulator.addAccount({ authMethod: 'social' });
      simulator.setWebSearch({ error: { code: -32000, message: 'down here', accountId: failing.id } });
      const failed = await (await postJson(simulator, '/mcp', call('q'), authHeaders(failing))).json();
      expect(failed).toMatchObject({ error: { code: -32000, message: 'down here' } });
      const served = await (await postJson(simulator, '/mcp', call('q'), authHeaders(healthy))).json();
      expect(served).toMatchObject({ result: { isError: false } });
    });
  });
});
