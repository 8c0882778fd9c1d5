// Hard case 10 (as far as one credential allows): model names in every spelling, mapping overrides,
// and the thinking modes, asserted on the upstream body and on what the SDK returns. Also the
// thinking extraction of hard case 5 (tags split across frames, literal tags in code).
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SIM_MODELS } from '../../src/simulator/model-catalog.js';
import { blockTypes, collectSse, postJson, streamedText, streamedThinking } from '../helpers/collect-sse.js';
import type { Stack } from '../helpers/start-stack.js';
import { startStack } from '../helpers/start-stack.js';
import { chatRequests, currentMessage, lastChatBody, upstreamText } from '../helpers/upstream-requests.js';

const MODEL = 'claude-sonnet-4-6';
const ask = (model: string, text: string) => ({
  model,
  max_tokens: 2048,
  messages: [{ role: 'user' as const, content: text }],
});

describe('hard case 10: model names and thinking', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      config: { modelMapping: { 'my-team-*': 'claude-haiku-4.5', 'my-team-big': 'claude-opus-4.6' } },
      simulator: {
        models: [
          ...DEFAULT_SIM_MODELS,
          {
            modelId: 'claude-opus-5.5',
            modelName: 'Claude Opus 5.5',
            rateMultiplier: 2.2,
            maxInputTokens: 1_000_000,
          },
        ],
      },
    });
  });
  afterAll(() => stack.close());

  const upstreamModel = () => currentMessage(lastChatBody(stack)).modelId;

  it.each([
    ['claude-sonnet-4-5-20250929', 'claude-sonnet-4.5'],
    ['claude-opus-4-5-20251101', 'claude-opus-4.5'],
    ['claude-haiku-4-5-20251001', 'claude-haiku-4.5'],
    // A bare family name is the newest model of the family the account offers (README "Models").
    ['sonnet', 'claude-sonnet-5'],
    ['opus', 'claude-opus-5.5'],
    ['claude-opus-4-6[1m]', 'claude-opus-4.6'],
    ['claude-opus-5-5', 'claude-opus-5.5'],
    ['my-team-fast', 'claude-haiku-4.5'],
    ['my-team-big', 'claude-opus-4.6'],
  ])('routes %s to Kiro model %s and echoes the requested name', async (requested, kiroModelId) => {
    // Raw HTTP: the SDK would print deprecation warnings for the dated 4.5 names.
    const result = await postJson(stack, ask(requested, `model ${requested}`));
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ type: 'message', model: requested });
    expect(upstreamModel()).toBe(kiroModelId);
  });

  it('answers not_found_error for an unknown model without calling upstream', async () => {
    const before = chatRequests(stack).length;
    const error = await stack.anthropic.messages
      .create(ask('gpt-4o', 'hi'))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.NotFoundError);
    expect((error as { error: unknown }).error).toMatchObject({
      type: 'error',
      error: { type: 'not_found_error', message: expect.stringContaining('gpt-4o') },
    });
    expect(chatRequests(stack)).toHaveLength(before);
  });

  it('thinking enabled: injects the budget prefix and returns a thinking block then text', async () => {
    const message = await stack.anthropic.messages.create({
      ...ask(MODEL, 'think about enabled'),
      thinking: { type: 'enabled', budget_tokens: 5000 },
    });
    const [system] = lastChatBody(stack).conversationState.history ?? [];
    expect(system && 'userInputMessage' in system ? system.userInputMessage.content : '').toMatch(
      /^<thinking_mode>enabled<\/thinking_mode><max_thinking_length>5000<\/max_thinking_length>/,
    );
    expect(message.content.map((block) => block.type)).toEqual(['thinking', 'text']);
    expect(message.content[0]).toMatchObject({
      type: 'thinking',
      thinking: expect.stringContaining('The user wrote'),
    });
    expect(message.content[1]).toMatchObject({
      type: 'text',
      text: expect.stringContaining('think about enabled'),
    });
    expect(JSON.stringify(message.content)).not.toContain('<thinking>');
  });

  it('thinking adaptive with output_config.effort: injects the effort prefix; streams thinking then text', async () => {
    const raw = await collectSse(stack, {
      ...ask(MODEL, 'think adaptively'),
      thinking: { type: 'adaptive' },
      output_config: { effort: 'medium' },
    });
    expect(upstreamText(lastChatBody(stack))).toContain(
      '<thinking_mode>adaptive</thinking_mode><thinking_effort>medium</thinking_effort>',
    );
    expect(raw.violations).toEqual([]);
    expect(blockTypes(raw.events)).toEqual(['thinking', 'text']);
    expect(streamedThinking(raw.events)).toContain('The user wrote 2 words.');
  });

  it('thinking disabled: no prefix upstream and no thinking block', async () => {
    const message = await stack.anthropic.messages.create({
      ...ask(MODEL, 'no thinking please'),
      thinking: { type: 'disabled' },
    });
    expect(upstreamText(lastChatBody(stack))).not.toContain('<thinking_mode>');
    expect(message.content.map((block) => block.type)).toEqual(['text']);
  });

  it.each([
    [
      'claude-opus-4-6-thinking',
      '<thinking_mode>adaptive</thinking_mode><thinking_effort>high</thinking_effort>',
    ],
    ['claude-sonnet-4-5-thinking', '<max_thinking_length>20000</max_thinking_length>'],
  ])('the -thinking suffix (%s) forces thinking on', async (model, prefix) => {
    const result = await postJson(stack, ask(model, 'suffix thinking'));
    expect(result.status).toBe(200);
    expect(upstreamText(lastChatBody(stack))).toContain(prefix);
    expect((result.body as Anthropic.Message).content[0]?.type).toBe('thinking');
  });

  it('hard case 5: extracts thinking whose tags are split across every byte, and leaves a literal <thinking> in code alone', async () => {
    const answer = 'Wrap it like `<thinking>` in the prompt:\n```xml\n<thinking>draft</thinking>\n```\nDone.';
    const script = {
      steps: [
        { type: 'thinking' as const, text: 'Reasoning about the tags, even "</thinking>" quoted.' },
        { type: 'text' as const, text: answer },
      ],
      split: 'every-byte' as const,
    };
    stack.sim.enqueueScript(script, { messageIncludes: 'split tags', times: 2 });
    const request = { ...ask(MODEL, 'split tags please'), thinking: { type: 'adaptive' as const } };
    const raw = await collectSse(stack, request);
    expect(raw.violations).toEqual([]);
    expect(blockTypes(raw.events)).toEqual(['thinking', 'text']);
    // One "\n" after <thinking> is dropped; the one before </thinking> stays (as in kiro.rs).
    const thinking = 'Reasoning about the tags, even "</thinking>" quoted.\n';
    expect(streamedThinking(raw.events)).toBe(thinking);
    expect(streamedText(raw.events)).toBe(answer);

    const message = await stack.anthropic.messages.create(request);
    expect(message.content).toEqual([
      { type: 'thinking', thinking, signature: '' },
      { type: 'text', text: answer },
    ]);
  });

  it('native reasoningContentEvent becomes a thinking block carrying its real signature', async () => {
    const reasoning = { text: 'Native reasoning.', signature: 'sig-native-123' };
    const script = {
      steps: [
        { type: 'event' as const, eventType: 'reasoningContentEvent', payload: reasoning },
        { type: 'text' as const, text: 'Native answer.' },
      ],
    };
    stack.sim.enqueueScript(script, { messageIncludes: 'native reasoning', times: 2 });
    const request = { ...ask(MODEL, 'native reasoning please'), thinking: { type: 'adaptive' as const } };
    const raw = await collectSse(stack, request);
    expect(raw.violations).toEqual([]);
    const message = await stack.anthropic.messages.stream(request).finalMessage();
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'Native reasoning.', signature: 'sig-native-123' },
      { type: 'text', text: 'Native answer.' },
    ]);
  });

  it('leaves <thinking> text as text when the client did not ask for thinking', async () => {
    stack.sim.enqueueScript(
      { steps: [{ type: 'text', text: '<thinking>\nnot requested\n</thinking>\n\nAnswer.' }] },
      { messageIncludes: 'unrequested' },
    );
    const message = await stack.anthropic.messages.create(ask(MODEL, 'unrequested thinking'));
    expect(message.content).toEqual([
      { type: 'text', text: '<thinking>\nnot requested\n</thinking>\n\nAnswer.' },
    ]);
  });
});

describe('extractThinking: false', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ config: { extractThinking: false } });
  });
  afterAll(() => stack.close());

  it('leaves non-streaming text raw but still extracts thinking from streams', async () => {
    const request = {
      ...ask(MODEL, 'raw thinking'),
      thinking: { type: 'enabled' as const, budget_tokens: 2048 },
    };
    const message = await stack.anthropic.messages.create(request);
    expect(message.content).toHaveLength(1);
    expect(message.content[0]).toMatchObject({
      type: 'text',
      text: expect.stringMatching(/^<thinking>\nThe user wrote/),
    });

    const raw = await collectSse(stack, request);
    expect(raw.violations).toEqual([]);
    expect(blockTypes(raw.events)).toEqual(['thinking', 'text']);
  });
});
