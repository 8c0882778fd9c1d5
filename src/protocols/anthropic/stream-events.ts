// Anthropic streaming events (the SSE grammar) and the non-streaming message they aggregate into.

export type StopReason =
  | 'end_turn'
  | 'max_tokens'
  | 'stop_sequence'
  | 'tool_use'
  | 'pause_turn'
  | 'refusal'
  | 'model_context_window_exceeded';

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export interface WebSearchResult {
  type: 'web_search_result';
  title: string;
  url: string;
  encrypted_content: string;
  page_age: string | null;
}

export type ServerToolUseBlock = {
  type: 'server_tool_use';
  id: string;
  name: string;
  input: Record<string, unknown>;
};

export type WebSearchToolResultErrorCode =
  | 'invalid_tool_input'
  | 'unavailable'
  | 'max_uses_exceeded'
  | 'too_many_requests'
  | 'query_too_long'
  | 'request_too_large';

/** A failed search: the result block's content is this object instead of a result list. */
export interface WebSearchToolResultError {
  type: 'web_search_tool_result_error';
  error_code: WebSearchToolResultErrorCode;
}

export type WebSearchToolResultBlock = {
  type: 'web_search_tool_result';
  tool_use_id: string;
  content: WebSearchResult[] | WebSearchToolResultError;
};

/** Encrypted reasoning (native reasoningContentEvent.redactedContent); clients replay it verbatim. */
export type RedactedThinkingBlock = { type: 'redacted_thinking'; data: string };

export type ResponseContentBlock =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string; signature: string }
  | RedactedThinkingBlock
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> }
  | ServerToolUseBlock
  | WebSearchToolResultBlock;

export interface AnthropicMessageResponse {
  id: string;
  type: 'message';
  role: 'assistant';
  content: ResponseContentBlock[];
  model: string;
  stop_reason: StopReason | null;
  stop_sequence: string | null;
  usage: Usage;
}

/** message_delta usage: output is final; input may be corrected from contextUsageEvent. */
export interface DeltaUsage extends Usage {
  server_tool_use?: { web_search_requests: number };
}

export type ContentBlockDelta =
  | { type: 'text_delta'; text: string }
  | { type: 'thinking_delta'; thinking: string }
  | { type: 'signature_delta'; signature: string }
  | { type: 'input_json_delta'; partial_json: string };

export type AnthropicStreamEvent =
  | { type: 'message_start'; message: AnthropicMessageResponse }
  | {
      type: 'content_block_start';
      index: number;
      content_block:
        | { type: 'text'; text: '' }
        | { type: 'thinking'; thinking: ''; signature: '' }
        | RedactedThinkingBlock
        | { type: 'tool_use'; id: string; name: string; input: Record<string, never> }
        | ServerToolUseBlock
        | WebSearchToolResultBlock;
    }
  | { type: 'content_block_delta'; index: number; delta: ContentBlockDelta }
  | { type: 'content_block_stop'; index: number }
  | {
      type: 'message_delta';
      delta: { stop_reason: StopReason; stop_sequence: string | null };
      usage: DeltaUsage;
    }
  | { type: 'message_stop' }
  | { type: 'ping' }
  | { type: 'error'; error: { type: string; message: string } };
