import type { Logger } from '../shared/logger.js';
import type { KiroStreamResponse } from './kiro-client.js';
import { EmptyAnswerError, UpstreamStreamException } from './upstream-error.js';
import type { KiroEvent } from './event-stream/kiro-event.js';
import { KiroEventDecoder } from './event-stream/kiro-event-decoder.js';

/** An accepted answer that has begun: its events in batches, one per upstream read. */
export interface KiroEventStream {
  /** The first batch holds every event up to and including the first answering one. */
  events: AsyncIterable<KiroEvent[]>;
  /** Releases the connection early (client went away). */
  destroy(): void;
}

/**
 * Whether an event answers the request: content (non-blank text, a tool call, reasoning) or an
 * in-stream failure the translator must report. Metering, context usage and the like do not.
 */
export function answersRequest(event: KiroEvent): boolean {
  switch (event.type) {
    case 'text':
      return event.content.trim().length > 0;
    case 'toolUse':
    case 'reasoning':
    case 'exception':
    case 'error':
      return true;
    default:
      return false;
  }
}

/** Failures that fail the same way on any account: the translator answers them as they are. */
const DETERMINISTIC = new Set([
  'ContentLengthExceededException',
  'ValidationException',
  'AccessDeniedException',
  'ServiceQuotaExceededException',
]);

/**
 * An exception or error frame that came before any content, as the HTTP failure of the same class
 * (ThrottlingException as 429, the rest as 5xx) so the failover loop retries it; undefined for the
 * deterministic ones (context overflow and the like), which the translator answers as they are.
 */
export function failureBeforeContent(event: KiroEvent): UpstreamStreamException | undefined {
  if (event.type === 'error')
    return new UpstreamStreamException(500, event.errorCode, event.message, undefined);
  if (event.type !== 'exception') return undefined;
  const name = event.exceptionType.slice(event.exceptionType.lastIndexOf('#') + 1);
  if (DETERMINISTIC.has(name) || event.reason === 'CONTENT_LENGTH_EXCEEDS_THRESHOLD') return undefined;
  const status = name === 'ThrottlingException' ? 429 : name === 'ServiceUnavailableException' ? 503 : 500;
  return new UpstreamStreamException(status, name, event.message, event.reason);
}

async function* continueFrom(
  head: KiroEvent[],
  decoder: KiroEventDecoder,
  body: AsyncIterator<Uint8Array>,
): AsyncGenerator<KiroEvent[]> {
  let done = false;
  try {
    yield head;
    for (;;) {
      const next = await body.next();
      if (next.done) break;
      yield decoder.push(next.value);
    }
    done = true;
    decoder.end();
  } finally {
    // The consumer stopped early: let go of the body.
    if (!done) await body.return?.();
  }
}

/**
 * Reads an accepted upstream body until the first answering event, holding back what came before
 * (metering, context usage), so an empty answer can still be retried before the client sees
 * anything. Throws EmptyAnswerError when the body ends first, UpstreamStreamException when a
 * retryable exception frame comes first (throttling, internal error); stream errors pass through.
 */
export async function readUntilContent(
  response: KiroStreamResponse,
  logger?: Logger,
): Promise<KiroEventStream> {
  const decoder = new KiroEventDecoder(logger);
  const body = response.body[Symbol.asyncIterator]();
  const head: KiroEvent[] = [];
  try {
    for (;;) {
      const next = await body.next();
      if (next.done) {
        decoder.end();
        throw new EmptyAnswerError(head.map((event) => event.type));
      }
      const events = decoder.push(next.value);
      head.push(...events);
      const first = events.find(answersRequest);
      if (first === undefined) continue;
      const failure = failureBeforeContent(first);
      if (failure) throw failure;
      break;
    }
  } catch (error) {
    response.destroy();
    throw error;
  }
  return { events: continueFrom(head, decoder, body), destroy: () => response.destroy() };
}
