import type { Logger } from '../shared/logger.js';
import type { KiroStreamResponse } from './kiro-client.js';
import { EmptyAnswerError } from './upstream-error.js';
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
 * anything. Throws EmptyAnswerError when the body ends first; stream errors pass through.
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
      if (events.some(answersRequest)) break;
    }
  } catch (error) {
    response.destroy();
    throw error;
  }
  return { events: continueFrom(head, decoder, body), destroy: () => response.destroy() };
}
