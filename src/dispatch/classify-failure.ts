// Matching uses the parsed `reason`/`__type`; free-text checks live only in this file.
import type { FailureAction } from '../credentials/failure-action.js';
import { ApiError, InvalidRequestError, NotFoundError, PromptTooLongError } from '../shared/errors.js';
import { RefreshError } from '../upstream/refresh-tokens.js';
import { EmptyAnswerError, UpstreamHttpError, UpstreamNetworkError } from '../upstream/upstream-error.js';

const IMPROPERLY_FORMED_HINT =
  'Kiro rejected the request as improperly formed and gave no reason. kirogate logged the request ' +
  'shape (without content or secrets); please report it. Starting a new conversation usually works around it.';

/** Kiro's reason-less 400 "Improperly formed request": the route logs the request shape when it sees one. */
export class ImproperlyFormedError extends InvalidRequestError {
  constructor() {
    super(IMPROPERLY_FORMED_HINT);
  }
}

function classifyHttp(error: UpstreamHttpError): FailureAction {
  const { status, parsed } = error;
  const message = parsed.message ?? '';
  const reason = parsed.reason ?? '';
  const detail = `${status} ${parsed.exceptionType ?? ''} ${reason} ${message}`.replace(/\s+/g, ' ').trim();

  if (status === 400) {
    if (
      reason === 'CONTENT_LENGTH_EXCEEDS_THRESHOLD' ||
      /Input is too long|content length exceeds/i.test(message)
    ) {
      return {
        kind: 'client-error',
        error: new PromptTooLongError(
          'the conversation exceeds the model context window. Compact or shorten the conversation, system prompt or tools.',
        ),
      };
    }
    if (reason === 'INVALID_MODEL_ID') {
      return {
        kind: 'model-not-offered',
        detail,
        error: new NotFoundError(`model: Kiro does not offer this model (${message || reason})`),
      };
    }
    if (/profileArn is required/i.test(message)) {
      return {
        kind: 'client-error',
        error: new InvalidRequestError(
          'Kiro requires a profileArn for this endpoint. Use the "ide" endpoint or add profileArn to the credential.',
        ),
      };
    }
    if (reason === '' || reason === 'REQUEST_BODY_INVALID' || /Improperly formed/i.test(message)) {
      return { kind: 'client-error', error: new ImproperlyFormedError() };
    }
    return {
      kind: 'client-error',
      error: new InvalidRequestError(`Kiro rejected the request: ${message || reason}`),
    };
  }
  // The request's own fault, so never a 5xx: clients retry those, and these fail the same way every time.
  if (status === 413) {
    return {
      kind: 'client-error',
      error: new PromptTooLongError(
        'Kiro refused the request body as too large (HTTP 413). Compact or shorten the conversation.',
      ),
    };
  }
  if (status === 422) {
    return {
      kind: 'client-error',
      error: new InvalidRequestError(
        `Kiro could not process the request (HTTP 422): ${message || reason || 'no detail'}`,
      ),
    };
  }
  if (status === 401 || status === 403) {
    // Suspension bodies also say AccessDenied: check them first (gotcha 30).
    if (reason === 'TEMPORARILY_SUSPENDED' || /temporarily (is )?suspended/i.test(message)) {
      return { kind: 'disable', reason: 'suspended', detail: 'Kiro temporarily suspended this account' };
    }
    if (reason === 'FEATURE_NOT_SUPPORTED') return { kind: 'model-not-allowed', detail };
    if (/bearer token included in the request is invalid/i.test(message) || status === 401) {
      return { kind: 'refresh-and-retry' };
    }
    return { kind: 'account-failure', detail };
  }
  if (status === 402 || reason === 'MONTHLY_REQUEST_COUNT') {
    return { kind: 'disable', reason: 'quota_exhausted', detail: 'monthly request quota exhausted' };
  }
  // Capacity problems are the model's, not the account's: back off without penalty (hard case 6).
  const overloaded =
    reason === 'INSUFFICIENT_MODEL_CAPACITY' ||
    reason === 'MODEL_TEMPORARILY_UNAVAILABLE' ||
    /unexpectedly high load/i.test(message);
  if (status === 429 && !overloaded) {
    return { kind: 'cool-down', retryAfterSeconds: error.retryAfterSeconds, detail };
  }
  if (status === 429 || status === 408 || status >= 500) return { kind: 'transient', detail, overloaded };
  return {
    kind: 'client-error',
    error: new ApiError(`Kiro answered HTTP ${status}: ${message || reason || 'no detail'}`),
  };
}

export function classifyFailure(error: unknown): FailureAction {
  if (error instanceof UpstreamHttpError) return classifyHttp(error);
  if (error instanceof UpstreamNetworkError)
    return { kind: 'transient', detail: error.message, overloaded: false };
  // Nothing reached the client yet: retried like a 5xx, and it counts against the account's streak.
  if (error instanceof EmptyAnswerError)
    return { kind: 'transient', detail: error.message, overloaded: false, emptyAnswer: true };
  if (error instanceof RefreshError) {
    if (error.permanent) return { kind: 'account-failure', detail: error.message };
    return { kind: 'transient', detail: error.message, overloaded: false };
  }
  return {
    kind: 'transient',
    detail: error instanceof Error ? error.message : String(error),
    overloaded: false,
  };
}
