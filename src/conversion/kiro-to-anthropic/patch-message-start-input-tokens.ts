import type { AnthropicStreamEvent } from '../../protocols/anthropic/stream-events.js';

/**
 * The buffered (`/cc/v1`) mode holds every event until the upstream ends, then reports the final
 * prompt size (translator.inputTokens) in message_start, where Claude Code reads it for compaction.
 * Returns a copy; the other events are shared, not cloned.
 */
export function patchMessageStartInputTokens(
  events: readonly AnthropicStreamEvent[],
  inputTokens: number,
): AnthropicStreamEvent[] {
  return events.map((event) =>
    event.type === 'message_start'
      ? {
          ...event,
          message: { ...event.message, usage: { ...event.message.usage, input_tokens: inputTokens } },
        }
      : event,
  );
}
