import type { Logger } from '../../shared/logger.js';
import { FrameDecoder } from './frame-decoder.js';
import type { KiroEvent } from './kiro-event.js';
import { parseKiroEvent } from './kiro-event.js';

/**
 * Upstream bytes → typed events, one chunk at a time: every event a chunk completes comes out
 * together, so callers can answer a whole read with one write. Throws EventStreamError on
 * corruption; `end()` throws if the body stopped inside a frame.
 */
export class KiroEventDecoder {
  private readonly frames = new FrameDecoder();

  /** Unknown event types are passed on and logged here at debug level, so new upstream events get noticed. */
  constructor(private readonly logger?: Logger) {}

  push(chunk: Uint8Array): KiroEvent[] {
    const frames = this.frames.push(chunk);
    const events: KiroEvent[] = new Array<KiroEvent>(frames.length);
    for (let index = 0; index < frames.length; index++) {
      const event = parseKiroEvent(frames[index]!);
      if (event.type === 'unknown') {
        this.logger?.debug({ eventType: event.eventType, payload: event.payload }, 'unknown upstream event');
      }
      events[index] = event;
    }
    return events;
  }

  end(): void {
    this.frames.end();
  }
}
