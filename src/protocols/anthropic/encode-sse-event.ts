import type { AnthropicStreamEvent } from './stream-events.js';

/** Anthropic's own ping frame, byte for byte (note the space after the colon). */
const PING_FRAME = 'event: ping\ndata: {"type": "ping"}\n\n';

/**
 * One SSE frame: `event: {type}\ndata: {compact JSON}\n\n`. JSON.stringify escapes every line
 * break inside strings, so the data always fits on one line.
 */
export function encodeSseEvent(event: AnthropicStreamEvent): string {
  if (event.type === 'ping') return PING_FRAME;
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}
