import type { Logger } from '../../shared/logger.js';
import type { KiroEvent } from './kiro-event.js';
import { KiroEventDecoder } from './kiro-event-decoder.js';

export interface DecodeKiroStreamOptions {
  /** Unknown event types are passed on and logged here at debug level. */
  logger?: Logger;
}

/** Bytes of a generateAssistantResponse body → typed events. Throws EventStreamError on corruption or truncation. */
export async function* decodeKiroStream(
  body: AsyncIterable<Uint8Array>,
  options: DecodeKiroStreamOptions = {},
): AsyncGenerator<KiroEvent> {
  const decoder = new KiroEventDecoder(options.logger);
  for await (const chunk of body) yield* decoder.push(chunk);
  decoder.end();
}
