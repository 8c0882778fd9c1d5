import type { Logger } from '../../shared/logger.js';
import { FrameDecoder } from './frame-decoder.js';
import type { KiroEvent } from './kiro-event.js';
import { parseKiroEvent } from './kiro-event.js';

export interface DecodeKiroStreamOptions {
  /** Unknown event types are passed on and logged here at debug level, so new upstream events get noticed. */
  logger?: Logger;
}

/** Bytes of a generateAssistantResponse body → typed events. Throws EventStreamError on corruption or truncation. */
export async function* decodeKiroStream(
  body: AsyncIterable<Uint8Array>,
  options: DecodeKiroStreamOptions = {},
): AsyncGenerator<KiroEvent> {
  const decoder = new FrameDecoder();
  for await (const chunk of body) {
    for (const frame of decoder.push(chunk)) {
      const event = parseKiroEvent(frame);
      if (event.type === 'unknown')
        options.logger?.debug(
          { eventType: event.eventType, payload: event.payload },
          'unknown upstream event',
        );
      yield event;
    }
  }
  decoder.end();
}
