import { describe, expect, it } from 'vitest';
import { RefreshError } from '../upstream/refresh-tokens.js';
import { EmptyAnswerError, UpstreamHttpError, UpstreamNetworkError } from '../upstream/upstream-error.js';
import { ImproperlyFormedError, classifyFailure } from './classify-failure.js';

const http = (status: number, body: unknown, retryAfter?: number) =>
  new UpstreamHttpError('generateAssistantResponse', status, JSON.stringify(body), retryAfter);

describe('classifyFailure (README failure policy)', () => {
  it('an empty answer is transient, like a 5xx, and marked as such', () => {
    expect(classifyFailure(new EmptyAnswerError([]))).toEqual({
      kind: 'transient',
      detail: 'Kiro returned an empty answer (no event at all)',
      overloaded: false,
      emptyAnswer: true,
    });
  });

  it.each([
    [
      400,
      { message: 'Input is too long.', reason: 'CONTENT_LENGTH_EXCEEDS_THRESHOLD' },
      'prompt is too long',
    ],
    [400, { message: 'Input content length exceeds threshold.', reason: null }, 'prompt is too long'],
    [400, { message: 'Improperly formed request.', reason: null }, 'improperly formed'],
    [
      400,
      {
        __type: 'x#ValidationException',
        message: 'Improperly formed request.',
        reason: 'REQUEST_BODY_INVALID',
      },
      'improperly formed',
    ],
    [400, { message: 'profileArn is required for this request.', reason: null }, 'profileArn'],
  ])('400 %j is the client’s problem and never penalises the account', (status, body, text) => {
    const action = classifyFailure(http(status, body));
    expect(action.kind).toBe('client-error');
    if (action.kind === 'client-error') {
      expect(action.error.status).toBe(400);
      expect(action.error.type).toBe('invalid_request_error');
      expect(action.error.message.toLowerCase()).toContain(text.toLowerCase());
    }
  });

  it('prompt-too-long messages begin with "prompt is too long" (Claude Code compacts on it)', () => {
    const action = classifyFailure(
      http(400, { message: 'Input is too long.', reason: 'CONTENT_LENGTH_EXCEEDS_THRESHOLD' }),
    );
    expect(action.kind === 'client-error' && action.error.message.startsWith('prompt is too long')).toBe(
      true,
    );
  });

  it('reason-less and REQUEST_BODY_INVALID 400s are ImproperlyFormedError (the route logs the request shape)', () => {
    for (const reason of [null, 'REQUEST_BODY_INVALID']) {
      const action = classifyFailure(http(400, { message: 'Improperly formed request.', reason }));
      expect(action.kind === 'client-error' && action.error).toBeInstanceOf(ImproperlyFormedError);
    }
    const other = classifyFailure(http(400, { message: 'Input is too long.', reason: null }));
    expect(other.kind === 'client-error' && other.error).not.toBeInstanceOf(ImproperlyFormedError);
  });

  it('413 and 422 are the request’s fault: 400s (never a retried 5xx), no penalty', () => {
    const tooLarge = classifyFailure(http(413, '<html>Request Entity Too Large</html>'));
    expect(tooLarge.kind === 'client-error' && tooLarge.error).toMatchObject({
      status: 400,
      type: 'invalid_request_error',
      message: expect.stringMatching(/^prompt is too long/),
    });
    const unprocessable = classifyFailure(http(422, { message: 'Content must not be empty.', reason: null }));
    expect(unprocessable.kind === 'client-error' && unprocessable.error).toMatchObject({
      status: 400,
      type: 'invalid_request_error',
      message: expect.stringContaining('Content must not be empty.'),
    });
    const notFound = classifyFailure(http(404, ''));
    expect(notFound.kind === 'client-error' && notFound.error.status).toBe(502);
  });

  it('INVALID_MODEL_ID: the account does not offer the model; not_found_error when nothing else serves it', () => {
    const action = classifyFailure(http(400, { message: 'Invalid model.', reason: 'INVALID_MODEL_ID' }));
    expect(action.kind).toBe('model-not-offered');
    expect(action.kind === 'model-not-offered' && action.error.type).toBe('not_found_error');
  });

  it('an invalid bearer forces a refresh', () => {
    const body = {
      __type: 'com.amazon.aws.codewhisperer#AccessDeniedException',
      message: 'The bearer token included in the request is invalid.',
    };
    expect(classifyFailure(http(403, body)).kind).toBe('refresh-and-retry');
  });

  it('suspension is checked before the generic 403 (gotcha 30)', () => {
    const body = {
      __type: 'com.amazon.kiro.runtimeservice#AccessDeniedException',
      message: 'Your User ID is temporarily suspended. We detected unusual user activity...',
      reason: 'TEMPORARILY_SUSPENDED',
    };
    expect(classifyFailure(http(403, body))).toMatchObject({ kind: 'disable', reason: 'suspended' });
  });

  it('402 MONTHLY_REQUEST_COUNT disables for quota, also in the nested form', () => {
    expect(
      classifyFailure(http(402, { message: 'You have reached the limit.', reason: 'MONTHLY_REQUEST_COUNT' })),
    ).toMatchObject({
      kind: 'disable',
      reason: 'quota_exhausted',
    });
    expect(classifyFailure(http(429, { error: { reason: 'MONTHLY_REQUEST_COUNT' } }))).toMatchObject({
      reason: 'quota_exhausted',
    });
  });

  it('429 cools down and carries Retry-After', () => {
    expect(classifyFailure(http(429, { message: 'Too many requests' }, 42))).toMatchObject({
      kind: 'cool-down',
      retryAfterSeconds: 42,
    });
  });

  it('capacity problems back off without penalty', () => {
    expect(classifyFailure(http(429, { reason: 'INSUFFICIENT_MODEL_CAPACITY' }))).toMatchObject({
      kind: 'transient',
      overloaded: true,
    });
    expect(
      classifyFailure(
        http(500, {
          message: 'Encountered unexpectedly high load when processing the request, please try again.',
          reason: null,
        }),
      ),
    ).toMatchObject({ kind: 'transient', overloaded: true });
    expect(classifyFailure(http(500, { reason: 'MODEL_TEMPORARILY_UNAVAILABLE' }))).toMatchObject({
      kind: 'transient',
      overloaded: true,
    });
  });

  it('5xx, 408 and network failures are transient', () => {
    expect(classifyFailure(http(503, {})).kind).toBe('transient');
    expect(
      classifyFailure(
        new UpstreamHttpError('generateAssistantResponse', 502, '<html>bad gateway</html>', undefined),
      ).kind,
    ).toBe('transient');
    expect(classifyFailure(http(408, {})).kind).toBe('transient');
    expect(classifyFailure(new UpstreamNetworkError('generateAssistantResponse', 'ECONNRESET')).kind).toBe(
      'transient',
    );
  });

  it('FEATURE_NOT_SUPPORTED means this account cannot use the model', () => {
    expect(classifyFailure(http(403, { message: 'x', reason: 'FEATURE_NOT_SUPPORTED' })).kind).toBe(
      'model-not-allowed',
    );
  });

  it('refresh failures: permanent counts against the account, transient retries', () => {
    expect(classifyFailure(new RefreshError('invalid_grant', 'x')).kind).toBe('account-failure');
    expect(classifyFailure(new RefreshError('transient', 'x')).kind).toBe('transient');
  });

  it('other 4xx fail without penalty', () => {
    expect(classifyFailure(http(404, { message: 'nope' })).kind).toBe('client-error');
  });
});
