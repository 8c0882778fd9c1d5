// Hard case 6 (as far as one credential allows): every upstream error mapping of
// classify-failure.ts end to end — status, Anthropic error type and message, retries, and what
// happens to the account — plus the gateway's own request validation.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ScriptMatch, SimScript } from '../../src/simulator/script-types.js';
import { collectSse, post, postJson } from '../helpers/collect-sse.js';
import type { JsonResult } from '../helpers/collect-sse.js';
import type { MemoryLogger } from '../helpers/memory-logger.js';
import { createMemoryLogger } from '../helpers/memory-logger.js';
import type { Stack } from '../helpers/start-stack.js';
import { startStack } from '../helpers/start-stack.js';
import { chatRequests } from '../helpers/upstream-requests.js';

const MODEL = 'claude-sonnet-4-6';
const BODY_LIMIT = 100_000;
const request = (text: string, model = MODEL) => ({
  model,
  max_tokens: 64,
  messages: [{ role: 'user' as const, content: text }],
});
const errorOf = (result: JsonResult) => (result.body as { error: { type: string; message: string } }).error;

describe('hard case 6: upstream error taxonomy', () => {
  let stack: Stack;
  let log: MemoryLogger;
  let counter = 0;
  beforeAll(async () => {
    log = createMemoryLogger('warn');
    stack = await startStack({
      logger: log.logger,
      config: { maxRequestBodyBytes: BODY_LIMIT, cooldownSeconds: 120 },
    });
  });
  afterAll(() => stack.close());

  const account = () => stack.gateway.services.pool.list()[0]!;
  beforeEach(() => {
    // Some mappings take the only account out of service; each case starts with it healthy.
    account().status = { kind: 'active' };
    account().deniedModels.clear();
  });

  /** Answers the next request(s) with `httpError`, sends one, and reports how many upstream calls it made. */
  async function failWith(httpError: NonNullable<SimScript['httpError']>, times: ScriptMatch['times'] = 1) {
    const marker = `error-case-${++counter}`;
    stack.sim.enqueueScript({ httpError }, { messageIncludes: marker, times });
    const before = chatRequests(stack).length;
    const result = await postJson(stack, request(marker));
    return { ...result, calls: chatRequests(stack).length - before, error: errorOf(result) };
  }

  describe('the request was at fault: answered at once, the account untouched', () => {
    it.each([
      ['400 CONTENT_LENGTH_EXCEEDS_THRESHOLD', 'context-too-long' as const],
      [
        '400 "Input is too long" without a reason',
        { status: 400, body: { message: 'Input is too long.', reason: null } },
      ],
    ])(
      '%s → 400 invalid_request_error "prompt is too long", so Claude Code compacts',
      async (_name, httpError) => {
        const result = await failWith(httpError);
        expect(result.status).toBe(400);
        expect(result.error).toMatchObject({
          type: 'invalid_request_error',
          message: expect.stringMatching(/^prompt is too long/),
        });
        expect(result.calls).toBe(1);
      },
    );

    it('reason-less "Improperly formed request" → 400 with a hint; the shape is logged; the account still serves', async () => {
      const failuresBefore = account().counters.failures;
      const result = await failWith('improperly-formed');
      expect(result.status).toBe(400);
      expect(result.error).toMatchObject({
        type: 'invalid_request_error',
        message: expect.stringContaining('improperly formed and gave no reason'),
      });
      // The hint promises a log of the request's shape, without its content.
      const logged = log
        .records()
        .find((record) => record.msg === 'Kiro rejected the request as improperly formed');
      expect(logged?.shape).toMatchObject({ modelId: 'claude-sonnet-4.6', turns: ['U(current)'], tools: 0 });
      expect(log.text()).not.toContain(`error-case-${counter}`);
      expect(account().status).toEqual({ kind: 'active' });
      expect(account().counters.failures).toBe(failuresBefore);
      expect((await stack.anthropic.messages.create(request('after improperly formed'))).stop_reason).toBe(
        'end_turn',
      );
      expect((await failWith('request-body-invalid')).status).toBe(400);
    });

    it('a streaming request that fails before the first byte gets the HTTP status and a JSON error body', async () => {
      stack.sim.enqueueScript(
        { httpError: 'context-too-long' },
        { messageIncludes: 'stream before bytes', times: 2 },
      );
      const response = await post(stack, { ...request('stream before bytes'), stream: true });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await response.json()).toMatchObject({
        error: { message: expect.stringMatching(/^prompt is too long/) },
      });
      const stream = stack.anthropic.messages.stream(request('stream before bytes'));
      await expect(stream.finalMessage()).rejects.toBeInstanceOf(Anthropic.BadRequestError);
    });

    it.each([
      [
        '413 from the upstream',
        { status: 413, body: '<html>Request Entity Too Large</html>' },
        /^prompt is too long/,
      ],
      [
        '422 from the upstream',
        { status: 422, body: { message: 'Content must not be empty.', reason: null } },
        /HTTP 422/,
      ],
    ])('%s → 400 invalid_request_error, not a 5xx clients would retry', async (_name, httpError, message) => {
      const result = await failWith(httpError);
      expect(result.status).toBe(400);
      expect(result.error).toMatchObject({
        type: 'invalid_request_error',
        message: expect.stringMatching(message),
      });
      expect(result.calls).toBe(1);
      expect(account().status).toEqual({ kind: 'active' });
    });

    it('an unexpected 404 from the upstream (misconfigured URL) → 502 api_error', async () => {
      const result = await failWith({ status: 404, body: '<html>Not Found</html>' });
      expect(result.status).toBe(502);
      expect(result.error).toMatchObject({ type: 'api_error', message: 'Kiro answered HTTP 404: no detail' });
    });

    it('profileArn required → 400 telling how to fix the credential', async () => {
      const result = await failWith('profile-arn-required');
      expect(result.status).toBe(400);
      expect(result.error.message).toContain('requires a profileArn');
    });
  });

  describe('the account cannot serve: with one account, the pool is empty', () => {
    // Nothing frees up within maxRetryWaitSeconds (60): a non-retryable 403 naming the reason
    // and what to do (issue 14 §3), never a 529 that clients retry for weeks.
    it('402 MONTHLY_REQUEST_COUNT → disabled until the reset; 403 saying when the quota resets', async () => {
      const result = await failWith('monthly-limit');
      expect(result.status).toBe(403);
      expect(result.error).toMatchObject({
        type: 'permission_error',
        message: expect.stringContaining('quota_exhausted'),
      });
      expect(result.error.message).toMatch(/quota resets \d{4}-\d{2}-\d{2}/);
      expect(result.headers.get('retry-after')).toBeNull();
      expect(result.calls).toBe(1);
      expect(account().status).toMatchObject({ kind: 'disabled', reason: 'quota_exhausted' });
    });

    it('403 TEMPORARILY_SUSPENDED → disabled, no refresh loop; 403 with no retry-after', async () => {
      const refreshes = stack.sim.stats.refreshCalls.social;
      const result = await failWith('suspended');
      expect(result.status).toBe(403);
      expect(result.error.message).toContain('disabled (suspended)');
      expect(result.headers.get('retry-after')).toBeNull();
      expect(stack.sim.stats.refreshCalls.social).toBe(refreshes);
      expect(result.calls).toBe(1);
    });

    it.each(['throttling' as const, 'suspicious-activity' as const])(
      '429 %s (Retry-After 120 s, over maxRetryWaitSeconds) → the account cools down; 403 saying until when',
      async (preset) => {
        const result = await failWith(preset);
        expect(result.status).toBe(403);
        expect(result.error.type).toBe('permission_error');
        expect(result.error.message).toContain('throttled by Kiro (429) until');
        expect(result.headers.get('retry-after')).toBeNull();
        expect(account().status).toMatchObject({ kind: 'cooling' });
      },
    );

    it('403 FEATURE_NOT_SUPPORTED → 403 permission_error for that model only', async () => {
      const result = await failWith('feature-not-supported');
      expect(result.status).toBe(403);
      expect(result.error.type).toBe('permission_error');
      expect(
        (await stack.anthropic.messages.create(request('other model', 'claude-haiku-4-5'))).stop_reason,
      ).toBe('end_turn');
    });
    it('another 403 (e.g. a profile the account may not use) → 403 permission_error naming Kiro’s reason, not a retryable 529', async () => {
      const body = {
        __type: 'com.amazon.aws.codewhisperer#AccessDeniedException',
        message: 'User is not authorized to make this call.',
      };
      const result = await failWith({ status: 403, body }, 'forever');
      expect(result.status).toBe(403);
      expect(result.error.type).toBe('permission_error');
      expect(result.error.message).toContain('User is not authorized to make this call.');
      expect(result.calls).toBe(1);
      expect(account().status.kind).toBe('active');
      stack.sim.clearScripts();
    });
  });

  describe('transient failures before the first byte', () => {
    it('one 500 then success → 200 after a retry (the simulator saw 2 requests)', async () => {
      const result = await failWith('high-load', 1);
      expect(result.status).toBe(200);
      expect(result.calls).toBe(2);
    });

    it('one invalid bearer → exactly one forced refresh, then 200', async () => {
      const refreshes = stack.sim.stats.refreshCalls.social;
      const result = await failWith('bearer-invalid', 1);
      expect(result.status).toBe(200);
      expect(result.calls).toBe(2);
      expect(stack.sim.stats.refreshCalls.social).toBe(refreshes + 1);
    });

    it.each([
      ['500 high load', 'high-load' as const, 529, 'overloaded_error'],
      ['429 INSUFFICIENT_MODEL_CAPACITY', 'insufficient-capacity' as const, 529, 'overloaded_error'],
      ['500 MODEL_TEMPORARILY_UNAVAILABLE', 'model-unavailable' as const, 529, 'overloaded_error'],
      ['500 internal error', 'internal-error' as const, 502, 'api_error'],
      ['502 bad gateway', 'bad-gateway' as const, 502, 'api_error'],
    ])(
      '%s (%s) every time → retried with backoff, then %i %s, no penalty',
      async (_name, preset, status, type) => {
        const result = await failWith(preset, 'forever');
        stack.sim.clearScripts();
        expect(result.status).toBe(status);
        expect(result.error).toMatchObject({ type, message: expect.stringContaining('retries exhausted') });
        expect(result.calls).toBe(3);
        expect(account().status).toEqual({ kind: 'active' });
      },
    );

    it('no retry once bytes reached the client', async () => {
      stack.sim.enqueueScript(
        {
          steps: [
            { type: 'text', text: 'Started' },
            { type: 'exception', exceptionType: 'ThrottlingException' },
          ],
        },
        { messageIncludes: 'late failure' },
      );
      const before = chatRequests(stack).length;
      const sse = await collectSse(stack, request('late failure'));
      expect(sse.violations).toEqual([]);
      expect(sse.events.at(-1)).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
      expect(chatRequests(stack).length - before).toBe(1);
    });

    it('context overflow in-stream before any content → error event (stream) or 400 (non-stream)', async () => {
      const script: SimScript = {
        steps: [{ type: 'exception', exceptionType: 'ContentLengthExceededException' }],
      };
      stack.sim.enqueueScript(script, { messageIncludes: 'overflow first', times: 2 });
      const sse = await collectSse(stack, request('overflow first'));
      expect(sse.violations).toEqual([]);
      expect(sse.events.at(-1)).toMatchObject({
        type: 'error',
        error: { type: 'invalid_request_error', message: expect.stringMatching(/^prompt is too long/) },
      });
      const plain = await postJson(stack, request('overflow first'));
      expect(plain.status).toBe(400);
      expect(errorOf(plain).message).toMatch(/^prompt is too long/);
    });
  });
});

describe('request validation', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ config: { maxRequestBodyBytes: BODY_LIMIT } });
  });
  afterAll(() => stack.close());

  it.each([
    ['malformed JSON', '{"model": "claude-sonnet-4-6", "messages": [', /^request body is not valid JSON/],
    ['an empty body', '', /request body is empty/],
    [
      'a missing model',
      { max_tokens: 5, messages: [{ role: 'user', content: 'x' }] },
      /^model: Field required/,
    ],
    ['missing messages', { model: MODEL, max_tokens: 5 }, /^messages: Field required/],
    ['a wrong max_tokens type', { ...request('x'), max_tokens: '64' }, /^max_tokens: .*expected number/],
    ['an unknown role', { model: MODEL, messages: [{ role: 'robot', content: 'x' }] }, /^messages\.0\.role:/],
    [
      'a tool_use block without id',
      {
        model: MODEL,
        messages: [{ role: 'assistant', content: [{ type: 'tool_use', name: 'x', input: {} }] }],
      },
      /^messages\.0\.content\.0\.id: Field required/,
    ],
    ['no messages at all', { model: MODEL, messages: [] }, /^messages: at least one message/],
  ])('%s → 400 invalid_request_error naming the field', async (_name, body, message) => {
    const result = await postJson(stack, body);
    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', message: expect.stringMatching(message) },
    });
    expect(chatRequests(stack)).toHaveLength(0);
  });

  it('the SDK raises BadRequestError for an invalid request', async () => {
    const invalid = {
      ...request('x'),
      thinking: { type: 'sometimes' },
    } as unknown as Anthropic.MessageCreateParamsNonStreaming;
    await expect(stack.anthropic.messages.create(invalid)).rejects.toBeInstanceOf(Anthropic.BadRequestError);
  });

  it('an oversized body → 413 request_too_large, declared or chunked', async () => {
    const big = request('y'.repeat(BODY_LIMIT + 1000));
    const declared = await postJson(stack, big);
    expect(declared.status).toBe(413);
    expect(errorOf(declared).type).toBe('request_too_large');
    const chunks = new Blob([JSON.stringify(big)]).stream();
    const chunked = await fetch(`${stack.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': stack.apiKey },
      body: chunks,
      duplex: 'half',
    });
    expect(chunked.status).toBe(413);
    expect(((await chunked.json()) as { error: { type: string } }).error.type).toBe('request_too_large');
    expect((await post(stack, request('small is fine'))).status).toBe(200);
  });

  it('unknown routes and methods get Anthropic error bodies', async () => {
    const missing = await postJson(stack, request('x'), { path: '/v1/complete' });
    expect(missing).toMatchObject({ status: 404, body: { error: { type: 'not_found_error' } } });
    const method = await fetch(`${stack.url}/v1/messages`, { headers: { 'x-api-key': stack.apiKey } });
    expect(method.status).toBe(405);
  });
});
