import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KiroSimulator } from './kiro-simulator.js';
import type { SimAccount } from './sim-account.js';
import type { SimStats } from './sim-stats.js';
import { authHeaders, chat, postJson, readEvents, simpleRequest, textOf } from './simulator-test-helpers.js';

describe('KiroSimulator scripts and control routes', () => {
  let simulator: KiroSimulator;
  let alice: SimAccount;
  let bob: SimAccount;

  beforeEach(async () => {
    simulator = await KiroSimulator.start();
    alice = simulator.addAccount({ authMethod: 'social', id: 'alice' });
    bob = simulator.addAccount({ authMethod: 'idc', id: 'bob' });
  });
  afterEach(() => simulator.close());

  async function replyText(account: SimAccount, content: string): Promise<string> {
    return textOf(await readEvents(await chat(simulator, account, simpleRequest(content))));
  }

  describe('script queue', () => {
    it('answers the next request once by default, then falls back to the default reply', async () => {
      simulator.enqueueScript({ steps: [{ type: 'text', text: 'scripted answer' }] });
      expect(await replyText(alice, 'one')).toBe('scripted answer');
      expect(await replyText(alice, 'two')).toContain('You said: "two"');
    });

    it('matches by account and by message substring, in arrival order', async () => {
      simulator.enqueueScript({ steps: [{ type: 'text', text: 'for bob' }] }, { accountId: 'bob' });
      simulator.enqueueScript(
        { steps: [{ type: 'text', text: 'about weather' }] },
        { messageIncludes: 'weather' },
      );
      simulator.enqueueScript(
        { steps: [{ type: 'text', text: 'second weather' }] },
        { messageIncludes: 'weather' },
      );
      expect(await replyText(alice, 'hello')).toContain('You said');
      expect(await replyText(alice, 'the weather?')).toBe('about weather');
      expect(await replyText(bob, 'weather again')).toBe('for bob');
      expect(await replyText(bob, 'weather again')).toBe('second weather');
    });

    it('matches tool-result text of the current message', async () => {
      simulator.enqueueScript(
        { steps: [{ type: 'text', text: 'saw the result' }] },
        { messageIncludes: '18C' },
      );
      const body = simpleRequest('');
      body.conversationState.history = [
        { userInputMessage: { content: 'Weather?', modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR' } },
        {
          assistantResponseMessage: {
            content: ' ',
            toolUses: [{ toolUseId: 'toolu_9', name: 'get_weather', input: { city: 'Oslo' } }],
          },
        },
      ];
      body.conversationState.currentMessage.userInputMessage.userInputMessageContext = {
        toolResults: [{ toolUseId: 'toolu_9', content: [{ text: '18C sunny' }], status: 'success' }],
        tools: [
          {
            toolSpecification: {
              name: 'get_weather',
              description: '',
              inputSchema: { json: { type: 'object' } },
            },
          },
        ],
      };
      expect(textOf(await readEvents(await chat(simulator, alice, body)))).toBe('saw the result');
    });

    it('applies N times or forever', async () => {
      simulator.enqueueScript({ steps: [{ type: 'text', text: 'twice' }] }, { times: 2 });
      expect([await replyText(alice, 'a'), await replyText(alice, 'b')]).toEqual(['twice', 'twice']);
      expect(await replyText(alice, 'c')).toContain('You said');
      const id = simulator.enqueueScript({ steps: [{ type: 'text', text: 'always' }] }, { times: 'forever' });
      for (const content of ['d', 'e', 'f']) expect(await replyText(alice, content)).toBe('always');
      expect(simulator.scripts()).toEqual([
        {
          id,
          script: { steps: [{ type: 'text', text: 'always' }] },
          match: { times: 'forever' },
          remaining: 'forever',
        },
      ]);
      simulator.clearScripts();
      expect(await replyText(alice, 'g')).toContain('You said');
    });

    it('uses the default reply with scripted split and pacing when steps are omitted', async () => {
      simulator.enqueueScript({ split: 'every-byte', chunkDelayMs: 1 });
      expect(await replyText(alice, 'paced')).toContain('You said: "paced"');
    });
  });

  describe('control routes over HTTP', () => {
    const control = (path: string, body?: unknown, method = 'POST'): Promise<Response> =>
      fetch(`${simulator.url}/__sim${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });

    it('creates, reads and patches accounts', async () => {
      const created = await control('/accounts', { authMethod: 'social', id: 'carol', tier: 'FREE' });
      expect(created.status).toBe(201);
      const carol = (await created.json()) as SimAccount;
      expect(carol).toMatchObject({ id: 'carol', tier: 'FREE', authMethod: 'social' });
      expect(carol.accessToken).toMatch(/^aoa/);
      expect((await control('/accounts', { authMethod: 'social', id: 'carol' })).status).toBe(409);

      expect(await (await control('/accounts/carol', undefined, 'GET')).json()).toEqual(carol);
      const patched = await control('/accounts/carol', { suspended: true }, 'PATCH');
      expect(await patched.json()).toMatchObject({ suspended: true });
      expect((await chat(simulator, carol, simpleRequest('hi'))).status).toBe(403);
      const list = (await (await control('/accounts', undefined, 'GET')).json()) as SimAccount[];
      expect(list.map((account) => account.id)).toEqual(['alice', 'bob', 'carol']);
    });

    it('refuses invalid bodies and unknown accounts', async () => {
      const invalid = await control('/accounts', { authMethod: 'password' });
      expect(invalid.status).toBe(400);
      expect(await invalid.json()).toMatchObject({ error: 'invalid body' });
      expect((await control('/accounts/nobody', undefined, 'GET')).status).toBe(404);
      expect((await control('/accounts/alice', { suspended: 'yes' }, 'PATCH')).status).toBe(400);
      expect((await control('/scripts', { script: { steps: [{ type: 'dance' }] } })).status).toBe(400);
      const notJson = await fetch(`${simulator.url}/__sim/accounts`, { method: 'POST', body: '{' });
      expect(notJson.status).toBe(400);
      expect((await control('/nothing', undefined, 'GET')).status).toBe(404);
    });

    it('queues, lists and clears scripts', async () => {
      const queued = await control('/scripts', {
        script: { steps: [{ type: 'text', text: 'from another process' }] },
        match: { accountId: 'alice', times: 2 },
      });
      expect(queued.status).toBe(201);
      const { id } = (await queued.json()) as { id: string };
      const listed = (await (await control('/scripts', undefined, 'GET')).json()) as { id: string }[];
      expect(listed.map((script) => script.id)).toEqual([id]);
      expect(await replyText(alice, 'x')).toBe('from another process');
      expect((await control('/scripts', undefined, 'DELETE')).status).toBe(204);
      expect(await replyText(alice, 'y')).toContain('You said');

      await control('/scripts', { script: { httpError: 'throttling' } });
      const [entry] = (await (await control('/scripts', undefined, 'GET')).json()) as { id: string }[];
      expect((await control(`/scripts/${entry!.id}`, undefined, 'DELETE')).status).toBe(204);
      expect((await control(`/scripts/${entry!.id}`, undefined, 'DELETE')).status).toBe(404);
    });

    it('serves stats and resets them', async () => {
      await chat(simulator, alice, simpleRequest('hi'));
      await chat(simulator, bob, simpleRequest('hi'));
      const stats = (await (await control('/stats', undefined, 'GET')).json()) as SimStats;
      expect(stats).toMatchObject({ chatRequests: 2, chatStreams: 2, chatByAccount: { alice: 1, bob: 1 } });
      expect(stats.requests.map((request) => request.path)).toEqual([
        '/generateAssistantResponse',
        '/generateAssistantResponse',
      ]);
      expect(stats.requests[0]?.headers.authorization).toBe('Bearer [redacted]');
      expect((await control('/stats', undefined, 'DELETE')).status).toBe(204);
      expect(simulator.stats.chatRequests).toBe(0);
    });

    it('moves the simulator clock', async () => {
      const before = simulator.account('alice').accessTokenExpiresAt!;
      const moved = await control('/clock', { advanceMs: 3_600_000 });
      expect(((await moved.json()) as { now: number }).now).toBeGreaterThanOrEqual(before);
      expect((await chat(simulator, alice, simpleRequest('hi'))).status).toBe(403);
    });

    it('sets web-search results', async () => {
      const set = await control(
        '/web-search',
        { results: [{ title: 'Only', url: 'https://only.example/', snippet: 'one' }] },
        'PUT',
      );
      expect(set.status).toBe(204);
      const body = {
        jsonrpc: '2.0',
        id: 'x',
        method: 'tools/call',
        params: { name: 'web_search', arguments: { query: 'q' } },
      };
      const answer = (await (await postJson(simulator, '/mcp', body, authHeaders(alice))).json()) as {
        result: { content: { text: string }[] };
      };
      expect(JSON.parse(answer.result.content[0]!.text)).toMatchObject({
        totalResults: 1,
        results: [{ title: 'Only' }],
      });
    });

    it('can be switched off', async () => {
      await simulator.close();
      simulator = await KiroSimulator.start({ controlRoutes: false });
      expect((await control('/stats', undefined, 'GET')).status).toBe(404);
    });
  });

  describe('routing', () => {
    it('routes POST / by X-Amz-Target', async () => {
      const headers = { ...authHeaders(alice), 'content-type': 'application/x-amz-json-1.0' };
      const target = (name: string, body: unknown): Promise<Response> =>
        postJson(simulator, '/', body, { ...headers, 'x-amz-target': name });

      const stream = await target(
        'AmazonCodeWhispererStreamingService.GenerateAssistantResponse',
        simpleRequest('via target'),
      );
      expect(textOf(await readEvents(stream))).toContain('via target');
      const usage = await target('AmazonCodeWhispererService.GetUsageLimits', {
        origin: 'AI_EDITOR',
        isEmailRequired: true,
      });
      expect(await usage.json()).toMatchObject({ userInfo: { email: alice.email } });
      const models = await target('AmazonCodeWhispererService.ListAvailableModels', { origin: 'AI_EDITOR' });
      expect(await models.json()).toMatchObject({ defaultModel: { modelId: 'auto' } });
      const profiles = await target('AmazonCodeWhispererService.ListAvailableProfiles', {});
      expect(await profiles.json()).toMatchObject({ profiles: [{ arn: alice.profileArn }] });
      const profile = await target('AmazonCodeWhispererService.GetProfile', { profileArn: alice.profileArn });
      expect(await profile.json()).toMatchObject({ profile: { arn: alice.profileArn, status: 'ACTIVE' } });
      const mcp = await target('AmazonCodeWhispererStreamingService.InvokeMCP', {
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'web_search', arguments: { query: 'kiro' } },
      });
      expect(await mcp.json()).toMatchObject({ jsonrpc: '2.0', id: 1, result: { isError: false } });
      const unknown = await target('AmazonCodeWhispererService.DeleteEverything', {});
      expect(unknown.status).toBe(400);
      expect(await unknown.json()).toEqual({
        __type: 'com.amazon.coral.service#UnknownOperationException',
        message: null,
      });
    });

    it('answers unknown routes with 404 JSON and wrong methods with 405', async () => {
      const missing = await postJson(simulator, '/nope', {});
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual({ message: 'No route for POST /nope', reason: null });
      const method = await fetch(`${simulator.url}/generateAssistantResponse`);
      expect(method.status).toBe(405);
      expect((await postJson(simulator, '/runtime/refreshToken', {})).status).toBe(404);
    });

    it('serves management routes under /management and chat under /runtime', async () => {
      const usage = await fetch(
        `${simulator.url}/management/getUsageLimits?origin=AI_EDITOR&resourceType=AGENTIC_REQUEST`,
        {
          headers: authHeaders(alice),
        },
      );
      expect(usage.status).toBe(200);
      const runtime = await chat(
        simulator,
        alice,
        { ...simpleRequest('rt'), profileArn: alice.profileArn },
        {
          path: '/runtime/generateAssistantResponse',
        },
      );
      expect(textOf(await readEvents(runtime))).toContain('rt');
    });
  });
});
