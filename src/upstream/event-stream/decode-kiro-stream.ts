import { FrameDecoder } from './frame-decoder.js';
import type { KiroEvent } from './kiro-event.js';
import { parseKiroEvent } from './kiro-event.js';

/** Bytes of a generateAssistantResponse body → typed events. Throws EventStreamError on corruption or truncation. */
export async function* decodeKiroStream(body: AsyncIterable<Uint8Array>): AsyncGenerator<KiroEvent> {
  const decoder = new FrameDecoder();
  for await (const chunk of body) {
    for (const frame of decoder.push(chunk)) yield parseKiroEvent(frame);
  }
  decoder.end();
}
