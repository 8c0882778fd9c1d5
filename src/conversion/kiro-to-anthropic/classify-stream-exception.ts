import type { AnthropicErrorType } from '../../shared/errors.js';
import type { KiroEvent } from '../../upstream/event-stream/kiro-event.js';

export type KiroStreamFailureEvent = Extract<KiroEvent, { type: 'exception' } | { type: 'error' }>;

/** What an in-stream exception or error frame means for the client. */
export type StreamExceptionAction =
  /** The context is full: an error before any content, a `model_context_window_exceeded` stop after it. */
  { kind: 'context-length'; message: string } | { kind: 'error'; type: AnthropicErrorType; message: string };

const CONTEXT_LENGTH_REASON = 'CONTENT_LENGTH_EXCEEDS_THRESHOLD';
/** Throttling reasons that are a quota or request-rate limit rather than a capacity shortage. */
const RATE_LIMIT_REASONS = new Set([
  'DAILY_REQUEST_COUNT',
  'MONTHLY_REQUEST_COUNT',
  'USER_REQUEST_RATE_EXCEEDED',
  'OVERAGE_REQUEST_LIMIT_EXCEEDED',
  'CONVERSATION_LIMIT_EXCEEDED',
]);
const CAPACITY_REASONS = new Set(['MODEL_TEMPORARILY_UNAVAILABLE', 'INSUFFICIENT_MODEL_CAPACITY']);

/** "com.amazon.aws.codewhisperer#ThrottlingException" → "ThrottlingException". */
const shortName = (name: string): string => name.slice(name.lastIndexOf('#') + 1);

function errorType(name: string, reason: string | undefined): AnthropicErrorType {
  if (reason !== undefined && CAPACITY_REASONS.has(reason)) return 'overloaded_error';
  switch (name) {
    case 'ThrottlingException':
      return reason !== undefined && RATE_LIMIT_REASONS.has(reason) ? 'rate_limit_error' : 'overloaded_error';
    case 'ServiceQuotaExceededException':
      return 'rate_limit_error';
    case 'ValidationException':
      return 'invalid_request_error';
    case 'AccessDeniedException':
      return 'permission_error';
    case 'ServiceUnavailableException':
      return 'overloaded_error';
    default:
      // InternalServerException, the Smithy `error` member, `:message-type: error` frames and the unknown.
      return 'api_error';
  }
}

/** Maps an in-stream failure frame by its parsed name and reason (never by free text). */
export function classifyStreamException(event: KiroStreamFailureEvent): StreamExceptionAction {
  const name = shortName(event.type === 'exception' ? event.exceptionType : event.errorCode);
  const reason = event.type === 'exception' ? event.reason : undefined;
  if (name === 'ContentLengthExceededException' || reason === CONTEXT_LENGTH_REASON) {
    return { kind: 'context-length', message: event.message };
  }
  const detail = reason === undefined ? event.message : `${event.message} (${reason})`;
  return { kind: 'error', type: errorType(name, reason), message: `Upstream ${name}: ${detail}` };
}
