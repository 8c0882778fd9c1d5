// Issue 14 §2: model names Kiro does not offer. Each account's ListAvailableModels list decides which
// model serves a request; the x-kirogate-model header says which one did.
import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import type { SimModelSpec } from '../../src/simulator/model-catalog.js';
import { createMemoryLogger } from '../helpers/memory-logger.js';
import { ManualClock } from '../../src/shared/clock.js';
import { entry, eventually, postMessage } from '../helpers/pool-harness.js';
import type { Stack, StackOptions } from '../helpers/start-stack.js';
import { startStack } from '../helpers/start-stack.js';
import { chatRequests, currentMessage, lastChatBody } from '../helpers/upstream-requests.js';

const OPUS_5_5: SimModelSpec = {
  modelId: 'claude-opus-5.5',
  modelName: 'Claude Opus 5.5',
  rateMultiplier: 2.2,
  maxInputTokens: 1_000_000,
};

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function start(options: StackOptions): Promise<Stack> {
  stack = await startStack({ ...options, config: { loadBalancingMode: 'priority', ...options.config } });
  return stack;
}

function ask(current: Stack, model: string, text = 'hello') {
  return current.anthropic.messages
    .create({ model, max_tokens: 32, messages: [{ role: 'user', content: text }] })
    .withResponse();
}

/** modelId of every user message of the last upstream body (history and current). */
function sentModelIds(current: Stack): string[] {
  const body = lastChatBody(current);
  const history = (body.conversationState.history ?? []).flatMap((item) =>
    'userInputMessage' in item ? [item.userInputMessage.modelId] : [],
  );
  return [...history, currentMessage(body).modelId];
}

describe('model resolution against what each account offers', () => {
  it("serves Claude Code's claude-opus-5-5 with the newest offered opus, and says so in a header", async () => {
    const memory = createMemoryLogger('info');
    const current = await start({
      accounts: [
        { authMethod: 'social', models: ['claude-opus-4.6', 'claude-opus-4.7', 'claude-sonnet-4.6'] },
      ],
      logger: memory.logger,
    });
    const { data, response } = await ask(current, 'claude-opus-5-5');
    expect(response.headers.get('x-kirogate-model')).toBe('claude-opus-4.7');
    expect(data.model).toBe('claude-opus-5-5');
    expect(data.content[0]).toMatchObject({ type: 'text' });
    expect(currentMessage(lastChatBody(current)).modelId).toBe('claude-opus-4.7');

    // Streaming too, with history: every user message names the model used. Logged once per pair.
    const streamed = await current.anthropic.messages
      .create({
        model: 'claude-opus-5-5',
        max_tokens: 32,
        stream: true,
        messages: [
          { role: 'user', content: 'first' },
          { role: 'assistant', content: 'answer' },
          { role: 'user', content: 'second' },
        ],
      })
      .withResponse();
    expect(streamed.response.headers.get('x-kirogate-model')).toBe('claude-opus-4.7');
    let first: Anthropic.RawMessageStreamEvent | undefined;
    for await (const event of streamed.data) first ??= event;
    expect(first).toMatchObject({ type: 'message_start', message: { model: 'claude-opus-5-5' } });
    expect(sentModelIds(current)).toEqual(['claude-opus-4.7', 'claude-opus-4.7']);
    const substitutions = memory
      .records()
      .filter((record) => record.msg === 'model served by another model the account offers');
    expect(substitutions).toEqual([
      expect.objectContaining({ requested: 'claude-opus-5-5', used: 'claude-opus-4.7' }),
    ]);
    expect(current.sim.stats.modelListCalls).toBe(1);
  });

  it('sends the model itself to an account that offers it', async () => {
    const current = await start({
      accounts: [{ authMethod: 'social', models: ['claude-opus-4.7', OPUS_5_5] }],
    });
    const { response } = await ask(current, 'claude-opus-5-5');
    expect(response.headers.get('x-kirogate-model')).toBe('claude-opus-5.5');
    expect(currentMessage(lastChatBody(current)).modelId).toBe('claude-opus-5.5');
  });

  it('resolves per account: two accounts offering different lists', async () => {
    const current = await start({
      accounts: [
        { id: 'opus-only', authMethod: 'social', models: ['claude-opus-4.7'] },
        { id: 'newer', authMethod: 'social', models: [OPUS_5_5, 'claude-sonnet-4.6'] },
      ],
      credentialFields: [{ priority: 0 }, { priority: 1 }],
    });
    // Priority picks the first account, which serves opus 5.5 with its own newest opus.
    expect((await ask(current, 'claude-opus-5-5')).response.headers.get('x-kirogate-model')).toBe(
      'claude-opus-4.7',
    );
    // It offers no sonnet at all: the second account serves the request, without a wasted upstream call.
    expect((await ask(current, 'claude-sonnet-4-6')).response.headers.get('x-kirogate-model')).toBe(
      'claude-sonnet-4.6',
    );
    expect(chatRequests(current).map((request) => [request.accountId, request.status])).toEqual([
      ['opus-only', 200],
      ['newer', 200],
    ]);
    // Haiku is offered nowhere and no defaultModel is set: not_found, naming the model.
    const error = await ask(current, 'claude-haiku-4-5').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.NotFoundError);
    expect((error as Anthropic.NotFoundError).message).toMatch(
      /no available Kiro account offers claude-haiku-4.5/,
    );
    expect(entry(current, 1).counters).toMatchObject({ requests: 1, failures: 0 });
  });

  it('falls back to the configured defaultModel when the family is not offered', async () => {
    const current = await start({
      accounts: [{ authMethod: 'social', models: ['auto', 'claude-sonnet-4.6'] }],
      config: { defaultModel: 'sonnet' },
    });
    expect((await ask(current, 'claude-haiku-4-5')).response.headers.get('x-kirogate-model')).toBe(
      'claude-sonnet-4.6',
    );
  });

  it('INVALID_MODEL_ID for a cached model refreshes the list and the request still succeeds', async () => {
    const current = await start({
      accounts: [{ id: 'changing', authMethod: 'social', models: ['claude-opus-4.6', 'claude-opus-4.7'] }],
    });
    expect((await ask(current, 'claude-opus-4-7')).response.headers.get('x-kirogate-model')).toBe(
      'claude-opus-4.7',
    );
    current.sim.updateAccount('changing', { models: ['claude-opus-4.6'] });
    const { response } = await ask(current, 'claude-opus-4-7', 'after the change');
    expect(response.headers.get('x-kirogate-model')).toBe('claude-opus-4.6');
    expect(chatRequests(current).map((request) => request.status)).toEqual([200, 400, 200]);
    expect(current.sim.stats.modelListCalls).toBe(2);
    expect(entry(current, 1).status).toEqual({ kind: 'active' });
    expect(entry(current, 1).counters).toMatchObject({ failures: 0 });
  });

  it('fetches a list again once modelListRefreshSeconds old, in the background', async () => {
    const clock = new ManualClock();
    const current = await start({
      clock,
      accounts: [{ id: 'changing', authMethod: 'social', models: ['claude-opus-4.7'] }],
      config: { modelListRefreshSeconds: 600 },
    });
    await ask(current, 'claude-opus-5-5');
    current.sim.updateAccount('changing', { models: ['claude-opus-4.7', OPUS_5_5] });
    clock.advance(599_000);
    expect((await ask(current, 'claude-opus-5-5')).response.headers.get('x-kirogate-model')).toBe(
      'claude-opus-4.7',
    );
    expect(current.sim.stats.modelListCalls).toBe(1);
    clock.advance(2_000);
    // The stale list still serves this request; the new one serves the next.
    expect((await ask(current, 'claude-opus-5-5')).response.headers.get('x-kirogate-model')).toBe(
      'claude-opus-4.7',
    );
    await eventually(() => expect(current.sim.stats.modelListCalls).toBe(2));
    expect((await ask(current, 'claude-opus-5-5')).response.headers.get('x-kirogate-model')).toBe(
      'claude-opus-5.5',
    );
  });

  it('modelFallback "off": the strict behaviour, 404 for a model Kiro does not offer', async () => {
    const current = await start({ accounts: [{ authMethod: 'social' }], config: { modelFallback: 'off' } });
    // claude-opus-5-5 resolves to claude-opus-5.5, which the simulator's catalog lacks.
    const error = await ask(current, 'claude-opus-5-5').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.NotFoundError);
    expect((error as { error: unknown }).error).toMatchObject({
      error: { type: 'not_found_error', message: expect.stringContaining('Kiro does not offer this model') },
    });
    expect(current.sim.stats.modelListCalls).toBe(0);
    expect(entry(current, 1).counters).toMatchObject({ failures: 0 });
  });

  it('modelMapping wins over the offered list', async () => {
    const current = await start({
      accounts: [{ authMethod: 'social', models: ['claude-opus-4.7', 'claude-sonnet-4.5'] }],
      config: { modelMapping: { 'claude-opus-5-5': 'claude-sonnet-4.5' } },
    });
    const { data, response } = await ask(current, 'claude-opus-5-5');
    expect(response.headers.get('x-kirogate-model')).toBe('claude-sonnet-4.5');
    expect(data.model).toBe('claude-opus-5-5');
  });

  it('GET /v1/models lists what the accounts offer, plus aliases, keeping free plans off Opus', async () => {
    const current = await start({
      accounts: [
        { authMethod: 'social', models: ['claude-opus-4.7', 'claude-haiku-4.5', 'auto', 'glm-5'] },
        { authMethod: 'social', tier: 'FREE', models: [OPUS_5_5, 'claude-sonnet-4.6'] },
      ],
      credentialFields: [{}, { subscriptionTitle: 'KIRO FREE' }],
    });
    const page = await current.anthropic.models.list();
    expect(page.data.map((model) => model.id)).toEqual([
      'claude-opus-4-7',
      'claude-sonnet-4-6',
      'claude-haiku-4-5-20251001',
      'auto',
      'opus',
      'sonnet',
      'haiku',
    ]);
    expect(page.data.find((model) => model.id === 'opus')?.display_name).toMatch(/Claude Opus 4.7/);
    // Every listed id is served as the model it names.
    for (const model of ['claude-sonnet-4-6', 'opus']) {
      const response = await postMessage(current, 'listed', { model });
      expect(response.status).toBe(200);
    }
  });
});
