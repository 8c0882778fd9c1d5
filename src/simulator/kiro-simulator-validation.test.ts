import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KiroGenerateRequest } from '../upstream/kiro-request.js';
import { KiroSimulator } from './kiro-simulator.js';
import type { SimAccount } from './sim-account.js';
import {
  JPEG_1X1,
  chat,
  pngBase64,
  readEvents,
  simpleRequest,
  textOf,
  wellFormedExample,
} from './simulator-test-helpers.js';

const IMPROPER = { message: 'Improperly formed request.', reason: null };
const bodyInvalid = (namespace: string) => ({
  __type: `${namespace}#ValidationException`,
  message: 'Improperly formed request.',
  reason: 'REQUEST_BODY_INVALID',
});
const CODEWHISPERER = 'com.amazon.aws.codewhisperer';
const RUNTIME = 'com.amazon.kiro.runtimeservice';

type Mutation = (body: KiroGenerateRequest & Record<string, unknown>) => void;
type Json = Record<string, unknown>;

/** Loosely typed access for building broken bodies. */
const state = (body: KiroGenerateRequest): Json => body.conversationState as unknown as Json;
const current = (body: KiroGenerateRequest): Json =>
  body.conversationState.currentMessage.userInputMessage as unknown as Json;
const context = (body: KiroGenerateRequest): Json => current(body).userInputMessageContext as Json;
const history = (body: KiroGenerateRequest): Json[] => body.conversationState.history as unknown as Json[];
const assistantTurn = (body: KiroGenerateRequest): Json => history(body)[3]!.assistantResponseMessage as Json;
const toolSchema = (body: KiroGenerateRequest): Json =>
  ((context(body).tools as Json[])[0]!.toolSpecification as { inputSchema: { json: Json } }).inputSchema.json;
const toolSpec = (body: KiroGenerateRequest): Json =>
  (context(body).tools as Json[])[0]!.toolSpecification as Json;

describe('KiroSimulator request validation', () => {
  let simulator: KiroSimulator;
  let account: SimAccount;

  beforeEach(async () => {
    simulator = await KiroSimulator.start();
    account = simulator.addAccount({ authMethod: 'social' });
  });
  afterEach(() => simulator.close());

  async function send(body: unknown, path?: string): Promise<{ status: number; json: unknown }> {
    const response = await chat(simulator, account, body, { path });
    const text = await response.text();
    return { status: response.status, json: response.status === 200 ? text : JSON.parse(text) };
  }

  function mutated(mutation: Mutation): KiroGenerateRequest {
    const body = wellFormedExample() as KiroGenerateRequest & Record<string, unknown>;
    mutation(body);
    return body;
  }

  it('accepts the well-formed example of §3.8 and answers with a stream', async () => {
    const response = await chat(simulator, account, wellFormedExample());
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.amazon.eventstream');
    const events = await readEvents(response);
    expect(textOf(events)).toContain('I received 1 tool result: toolu_1 (success): "18C sunny"');
    expect(events.slice(-2).map((event) => event.type)).toEqual(['metering', 'contextUsage']);
  });

  const improperCases: [string, string, Mutation][] = [
    [
      'missing conversationState',
      'conversation-state-missing',
      (body) => delete (body as Json).conversationState,
    ],
    [
      'missing currentMessage.userInputMessage',
      'current-user-message-missing',
      (body) => delete (state(body).currentMessage as Json).userInputMessage,
    ],
    [
      'assistant turn as the current message',
      'current-user-message-missing',
      (body) => (state(body).currentMessage = { assistantResponseMessage: { content: 'x' } }),
    ],
    ['missing conversationId', 'conversation-id-missing', (body) => delete state(body).conversationId],
    ['chatTriggerType AUTO', 'chat-trigger-type-invalid', (body) => (state(body).chatTriggerType = 'AUTO')],
    ['missing chatTriggerType', 'chat-trigger-type-invalid', (body) => delete state(body).chatTriggerType],
    [
      'history starting with an assistant turn',
      'history-starts-with-assistant',
      (body) => history(body).shift(),
    ],
    ['history not alternating', 'history-not-alternating', (body) => history(body).splice(1, 1)],
    [
      'history ending with a user turn',
      'history-ends-with-user',
      (body) => history(body).push({ userInputMessage: { content: 'again', modelId: 'claude-sonnet-4.5' } }),
    ],
    ['empty assistant content', 'assistant-content-empty', (body) => (assistantTurn(body).content = '')],
    ['tool use never answered', 'tool-use-unanswered', (body) => delete context(body).toolResults],
    [
      'tool result without a tool use',
      'tool-result-orphan',
      (body) => ((context(body).toolResults as Json[])[0]!.toolUseId = 'toolu_unknown'),
    ],
    [
      'duplicate tool results',
      'tool-result-duplicate',
      (body) => {
        const results = context(body).toolResults as Json[];
        results.push({ ...results[0]! });
      },
    ],
    [
      'tool use answered too late',
      'tool-use-unanswered',
      (body) => {
        history(body).push(
          { userInputMessage: { content: 'more', modelId: 'claude-sonnet-4.5' } },
          { assistantResponseMessage: { content: 'done' } },
        );
      },
    ],
    ['history tool not declared', 'history-tool-undeclared', (body) => (toolSpec(body).name = 'get_time')],
    ['tool name over 64 characters', 'tool-name-too-long', (body) => (toolSpec(body).name = 'x'.repeat(65))],
    ['schema with required: null', 'tool-schema-null', (body) => (toolSchema(body).required = null)],
    [
      'nested schema with properties: null',
      'tool-schema-null',
      (body) => ((toolSchema(body).properties as Json).city = { type: 'object', properties: null }),
    ],
    [
      'non-object inputSchema.json',
      'tool-schema-not-object',
      (body) => ((toolSpec(body).inputSchema as Json).json = ['not', 'an', 'object']),
    ],
    [
      'schema whose root is not an object type',
      'tool-schema-not-object',
      (body) => (toolSchema(body).type = 'string'),
    ],
    [
      'empty toolUses',
      'empty-array:toolUses',
      (body) => (history(body)[3]!.assistantResponseMessage = { content: ' ', toolUses: [] }),
    ],
    ['empty tools', 'empty-array:tools', (body) => (context(body).tools = [])],
    ['empty toolResults', 'empty-array:toolResults', (body) => (context(body).toolResults = [])],
    ['empty images', 'empty-array:images', (body) => (current(body).images = [])],
    ['null field', 'origin-not-string', (body) => (current(body).origin = null)],
    [
      'tool input given as a string',
      'tool-use-input-not-object',
      (body) => ((assistantTurn(body).toolUses as Json[])[0]!.input = '{"city":"Paris"}'),
    ],
    [
      'tool result with empty content',
      'tool-result-content-empty',
      (body) => ((context(body).toolResults as Json[])[0]!.content = []),
    ],
    [
      'unreadable image bytes',
      'image-unreadable',
      (body) => (current(body).images = [{ format: 'png', source: { bytes: 'aGVsbG8=' } }]),
    ],
  ];

  it.each(improperCases)('rejects %s with 400 Improperly formed (%s)', async (_name, rule, mutation) => {
    expect(await send(mutated(mutation))).toEqual({ status: 400, json: IMPROPER });
    expect(simulator.stats.requests.at(-1)?.rejectedBy).toBe(rule);
  });

  it('accepts history tool names declared with another case', async () => {
    const body = mutated((request) => (toolSpec(request).name = 'GET_WEATHER'));
    expect((await send(body)).status).toBe(200);
  });

  it('accepts a 64-character tool name and a 10 240-character description', async () => {
    const body = mutated((request) => {
      const spec = toolSpec(request);
      spec.description = 'd'.repeat(10_240);
      const name = 'w'.repeat(64);
      spec.name = name;
      (assistantTurn(request).toolUses as Json[])[0]!.name = name;
    });
    expect((await send(body)).status).toBe(200);
  });

  it('answers an over-long tool description with the documented 500', async () => {
    const body = mutated((request) => (toolSpec(request).description = 'd'.repeat(10_241)));
    expect(await send(body)).toEqual({
      status: 500,
      json: {
        __type: `${CODEWHISPERER}#InternalServerException`,
        message: 'Encountered an unexpected error when processing the request, please try again.',
        reason: null,
      },
    });
  });

  it('rejects unknown fields with REQUEST_BODY_INVALID, namespaced per host', async () => {
    const body = mutated((request) => (request.systemPrompt = 'You are terse.'));
    expect(await send(body)).toEqual({ status: 400, json: bodyInvalid(CODEWHISPERER) });
    expect(await send(body, '/runtime/generateAssistantResponse')).toEqual({
      status: 400,
      json: bodyInvalid(RUNTIME),
    });
    const nested = mutated((request) => ((context(request).toolResults as Json[])[0]!.extra = true));
    expect(await send(nested)).toEqual({ status: 400, json: bodyInvalid(CODEWHISPERER) });
  });

  it('rejects malformed JSON like the upstream', async () => {
    expect(await send('{"conversationState": ')).toEqual({ status: 400, json: IMPROPER });
  });

  it('rejects an unknown model with INVALID_MODEL_ID', async () => {
    expect(await send(simpleRequest('hi', 'CLAUDE_SONNET_4_5_20250929_V1_0'))).toEqual({
      status: 400,
      json: {
        message: 'Invalid model. Please select a different model to continue.',
        reason: 'INVALID_MODEL_ID',
      },
    });
  });

  it('rejects an image whose bytes do not match its declared format', async () => {
    const body = simpleRequest('look');
    body.conversationState.currentMessage.userInputMessage.images = [
      { format: 'png', source: { bytes: JPEG_1X1 } },
    ];
    expect(await send(body)).toEqual({
      status: 400,
      json: {
        __type: `${CODEWHISPERER}#ValidationException`,
        message:
          'The image was specified using the image/png media type, but the image appears to be a image/jpeg image',
        reason: null,
      },
    });
    body.conversationState.currentMessage.userInputMessage.images = [
      { format: 'png', source: { bytes: pngBase64(8, 8) } },
    ];
    expect((await send(body)).status).toBe(200);
  });

  describe('runtime host (profileArn required)', () => {
    const path = '/runtime/generateAssistantResponse';

    it('answers 400 without profileArn and REQUEST_BODY_INVALID for an empty one', async () => {
      expect(await send(simpleRequest('hi'), path)).toEqual({
        status: 400,
        json: { message: 'profileArn is required for this request.', reason: null },
      });
      expect(await send({ ...simpleRequest('hi'), profileArn: '' }, path)).toEqual({
        status: 400,
        json: bodyInvalid(RUNTIME),
      });
    });

    it('accepts the account profileArn and refuses another one with 403', async () => {
      expect((await send({ ...simpleRequest('hi'), profileArn: account.profileArn }, path)).status).toBe(200);
      const other = 'arn:aws:codewhisperer:us-east-1:111111111111:profile/OTHERPROFILE';
      const answer = await send({ ...simpleRequest('hi'), profileArn: other }, path);
      expect(answer.status).toBe(403);
      expect(answer.json).toMatchObject({ __type: `${RUNTIME}#AccessDeniedException` });
    });

    it('does not require profileArn on the q host', async () => {
      expect((await send(simpleRequest('hi'))).status).toBe(200);
    });
  });

  it('rejects input over the model window with CONTENT_LENGTH_EXCEEDS_THRESHOLD', async () => {
    await simulator.close();
    simulator = await KiroSimulator.start({ hiddenPromptTokens: 199_995 });
    account = simulator.addAccount({ authMethod: 'social' });
    const tooLong = {
      status: 400,
      json: { message: 'Input is too long.', reason: 'CONTENT_LENGTH_EXCEEDS_THRESHOLD' },
    };
    expect(await send(simpleRequest('one two three four five six seven eight nine ten'))).toEqual(tooLong);
    // The same request fits the 1M window of claude-sonnet-4.6.
    expect(
      (await send(simpleRequest('one two three four five six seven eight nine ten', 'claude-sonnet-4.6')))
        .status,
    ).toBe(200);
  });

  describe('body size', () => {
    function padded(size: number): string {
      const base = JSON.stringify(simpleRequest('', 'claude-sonnet-4.6'));
      const filler = 'a '.repeat(size);
      const text = base.replace('"content":""', `"content":"${filler}"`);
      return text.replace(filler, filler.slice(0, filler.length - (text.length - size)));
    }

    it('accepts 629 504 bytes and rejects 629 760 bytes with Improperly formed (§3.9)', async () => {
      const accepted = padded(629_504);
      expect(Buffer.byteLength(accepted)).toBe(629_504);
      expect((await send(accepted)).status).toBe(200);
      const refused = padded(629_760);
      expect(Buffer.byteLength(refused)).toBe(629_760);
      expect(await send(refused)).toEqual({ status: 400, json: IMPROPER });
    });

    it('honours a configured limit', async () => {
      await simulator.close();
      simulator = await KiroSimulator.start({ maxBodyBytes: 1000 });
      account = simulator.addAccount({ authMethod: 'social' });
      expect((await send(padded(1000))).status).toBe(200);
      expect(await send(padded(1001))).toEqual({ status: 400, json: IMPROPER });
    });
  });

  it('records why a request was rejected', async () => {
    await send(mutated((body) => (state(body).chatTriggerType = 'AUTO')));
    expect(simulator.stats.requests.at(-1)).toMatchObject({
      status: 400,
      rejectedBy: 'chat-trigger-type-invalid',
    });
  });
});
