import type {
  KiroAssistantResponseMessage,
  KiroGenerateRequest,
  KiroToolResult,
  KiroToolSpecification,
  KiroUserInputMessage,
} from '../upstream/kiro-request.js';
import { countTextTokens } from './claude-tokenizer.js';
import { countImageTokens, imageLimitsForModel, type ImageSizeLimits } from './image-tokens.js';

/**
 * Kiro prepends its own system prompt (agent instructions, identity) that never appears in the
 * request. kiro-gateway PR #107 measured it at about 2 000 tokens; without it Claude Code's
 * auto-compaction fires too late. The simulator adds the same, configurable, overhead.
 */
export const KIRO_HIDDEN_PROMPT_TOKENS = 2000;

/**
 * The tool-use system prompt Anthropic adds whenever tools are present: 346 tokens for every Claude
 * 4.x model with tool_choice auto (Kiro ignores tool_choice). Source: Anthropic's "Tool use pricing
 * and tokens" table.
 */
export const TOOL_USE_SYSTEM_PROMPT_TOKENS = 346;

/** Role and turn markers around each message. */
export const MESSAGE_OVERHEAD_TOKENS = 4;
/** Structure around each tool definition (name/description/schema keys and delimiters). */
export const TOOL_DEFINITION_OVERHEAD_TOKENS = 8;
/** Structure around each tool call or tool result (block markers, id, status). */
export const TOOL_BLOCK_OVERHEAD_TOKENS = 8;

export interface KiroTokenCountOptions {
  /** Kiro's hidden system prompt; default KIRO_HIDDEN_PROMPT_TOKENS. */
  hiddenPromptTokens?: number;
  /** Image downscale limits; default from the current message's modelId. */
  imageLimits?: ImageSizeLimits;
}

function countJson(value: unknown): number {
  return countTextTokens(JSON.stringify(value) ?? '');
}

function countToolSpecification({ toolSpecification }: KiroToolSpecification): number {
  return (
    TOOL_DEFINITION_OVERHEAD_TOKENS +
    countTextTokens(toolSpecification.name) +
    countTextTokens(toolSpecification.description) +
    countJson(toolSpecification.inputSchema.json)
  );
}

function countToolResult(result: KiroToolResult): number {
  let total = TOOL_BLOCK_OVERHEAD_TOKENS;
  for (const item of result.content)
    total += 'text' in item ? countTextTokens(item.text) : countJson(item.json);
  return total;
}

function countUserMessage(message: KiroUserInputMessage, limits: ImageSizeLimits): number {
  let total = MESSAGE_OVERHEAD_TOKENS + countTextTokens(message.content);
  for (const image of message.images ?? []) total += countImageTokens(image.source.bytes, limits);
  for (const result of message.userInputMessageContext?.toolResults ?? []) total += countToolResult(result);
  return total;
}

function countAssistantMessage(message: KiroAssistantResponseMessage): number {
  let total = MESSAGE_OVERHEAD_TOKENS + countTextTokens(message.content);
  for (const toolUse of message.toolUses ?? []) {
    total += TOOL_BLOCK_OVERHEAD_TOKENS + countTextTokens(toolUse.name) + countJson(toolUse.input);
  }
  return total;
}

/**
 * Input tokens of what the upstream actually sees: Kiro's hidden prompt, every history turn, the
 * current message, tool results, images (by pixel size, never by base64 length) and tool
 * definitions. The converter's own injections (system pair, thinking prefix, Write/Edit suffixes)
 * are part of the request, so they are counted too. Used for count_tokens and message_start alike,
 * so the two always agree.
 */
export function countKiroRequestTokens(
  request: KiroGenerateRequest,
  options: KiroTokenCountOptions = {},
): number {
  const state = request.conversationState;
  const current = state.currentMessage.userInputMessage;
  const limits = options.imageLimits ?? imageLimitsForModel(current.modelId);
  let total = options.hiddenPromptTokens ?? KIRO_HIDDEN_PROMPT_TOKENS;
  const tools: KiroToolSpecification[] = [];
  for (const item of state.history ?? []) {
    if ('userInputMessage' in item) {
      total += countUserMessage(item.userInputMessage, limits);
      tools.push(...(item.userInputMessage.userInputMessageContext?.tools ?? []));
    } else {
      total += countAssistantMessage(item.assistantResponseMessage);
    }
  }
  total += countUserMessage(current, limits);
  tools.push(...(current.userInputMessageContext?.tools ?? []));
  if (tools.length > 0) total += TOOL_USE_SYSTEM_PROMPT_TOKENS;
  for (const tool of tools) total += countToolSpecification(tool);
  return total;
}
