import type {
  AnthropicMessageResponse,
  AnthropicStreamEvent,
  ResponseContentBlock,
} from '../../protocols/anthropic/stream-events.js';
import { ApiError } from '../../shared/errors.js';
import { streamErrorToGatewayError } from './stream-error-to-gateway-error.js';

type BlockDraft =
  | { kind: 'text'; parts: string[] }
  | { kind: 'thinking'; parts: string[]; signature: string }
  | { kind: 'tool_use'; id: string; name: string; parts: string[] }
  | { kind: 'whole'; block: ResponseContentBlock };

function draftOf(
  block: Extract<AnthropicStreamEvent, { type: 'content_block_start' }>['content_block'],
): BlockDraft {
  switch (block.type) {
    case 'text':
      return { kind: 'text', parts: [] };
    case 'thinking':
      return { kind: 'thinking', parts: [], signature: block.signature };
    case 'tool_use':
      return { kind: 'tool_use', id: block.id, name: block.name, parts: [] };
    default:
      return { kind: 'whole', block };
  }
}

function parseToolInput(json: string, name: string): Record<string, unknown> {
  if (json.trim().length === 0) return {};
  try {
    const value: unknown = JSON.parse(json);
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // Reported below.
  }
  throw new ApiError(`tool_use ${name} ended with input that is not a JSON object`);
}

function finalize(draft: BlockDraft): ResponseContentBlock {
  switch (draft.kind) {
    case 'text':
      return { type: 'text', text: draft.parts.join('') };
    case 'thinking':
      return { type: 'thinking', thinking: draft.parts.join(''), signature: draft.signature };
    case 'tool_use':
      return {
        type: 'tool_use',
        id: draft.id,
        name: draft.name,
        input: parseToolInput(draft.parts.join(''), draft.name),
      };
    case 'whole':
      return draft.block;
  }
}

function appendDelta(
  draft: BlockDraft | undefined,
  event: Extract<AnthropicStreamEvent, { type: 'content_block_delta' }>,
): void {
  const { delta } = event;
  if (draft === undefined) return;
  if (delta.type === 'text_delta' && draft.kind === 'text') draft.parts.push(delta.text);
  else if (delta.type === 'thinking_delta' && draft.kind === 'thinking') draft.parts.push(delta.thinking);
  else if (delta.type === 'signature_delta' && draft.kind === 'thinking') draft.signature = delta.signature;
  else if (delta.type === 'input_json_delta' && draft.kind === 'tool_use')
    draft.parts.push(delta.partial_json);
}

/**
 * The non-streaming response, folded from the same events the stream sends, so both paths return
 * the same content. A stream ending in an `error` event throws the matching GatewayError (the
 * route answers with its status and an Anthropic error body); a stream cut before message_stop
 * throws ApiError (502).
 */
export function aggregateMessage(events: readonly AnthropicStreamEvent[]): AnthropicMessageResponse {
  let message: AnthropicMessageResponse | undefined;
  const drafts: BlockDraft[] = [];
  let stopped = false;
  for (const event of events) {
    switch (event.type) {
      case 'message_start':
        message = { ...event.message, content: [], usage: { ...event.message.usage } };
        break;
      case 'content_block_start':
        drafts[event.index] = draftOf(event.content_block);
        break;
      case 'content_block_delta':
        appendDelta(drafts[event.index], event);
        break;
      case 'message_delta':
        if (message !== undefined) {
          message.stop_reason = event.delta.stop_reason;
          message.stop_sequence = event.delta.stop_sequence;
          const { server_tool_use: _serverToolUse, ...usage } = event.usage;
          message.usage = { ...message.usage, ...usage };
        }
        break;
      case 'message_stop':
        stopped = true;
        break;
      case 'error':
        throw streamErrorToGatewayError(event.error);
      case 'content_block_stop':
      case 'ping':
        break;
    }
  }
  if (message === undefined || !stopped)
    throw new ApiError('upstream stream ended before the message was complete');
  message.content = drafts.filter((draft) => draft !== undefined).map(finalize);
  return message;
}
