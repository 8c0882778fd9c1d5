import type {
  KiroAssistantResponseMessage,
  KiroGenerateRequest,
  KiroToolResult,
  KiroToolSpecification,
  KiroUserInputMessage,
} from '../upstream/kiro-request.js';
import { countImageTokens, imageLimitsForModel, type ImageSizeLimits } from './image-tokens.js';

/**
 * Kiro prepends its own system prompt (agent instructions, identity) that never appears in the
 * request. kiro-gateway PR #107 measured it at about 2 000 tokens; without it Claude Code's
 * auto-compaction fires too late. The default of config `kiroPromptTokens`; the simulator adds the
 * same, configurable, overhead.
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
  /** Kiro's hidden system prompt (config `kiroPromptTokens`); default KIRO_HIDDEN_PROMPT_TOKENS. */
  hiddenPromptTokens?: number;
  /** Image downscale limits; default from the current message's modelId. */
  imageLimits?: ImageSizeLimits;
}

/**
 * A request's token count, split into what needs the tokenizer (`texts`) and what does not (`fixed`:
 * the hidden prompt, structural overheads, images by pixel size), so the texts can be counted
 * elsewhere (the tokenizer worker) and in one batch.
 */
export interface RequestTokenParts {
  fixed: number;
  texts: string[];
}

class PartsBuilder {
  fixed = 0;
  readonly texts: string[] = [];

  text(text: string): void {
    if (text !== '') this.texts.push(text);
  }

  json(value: unknown): void {
    this.text(JSON.stringify(value) ?? '');
  }

  toolSpecification({ toolSpecification }: KiroToolSpecification): void {
    this.fixed += TOOL_DEFINITION_OVERHEAD_TOKENS;
    this.text(toolSpecification.name);
    this.text(toolSpecification.description);
    this.json(toolSpecification.inputSchema.json);
  }

  toolResult(result: KiroToolResult): void {
    this.fixed += TOOL_BLOCK_OVERHEAD_TOKENS;
    for (const item of result.content) {
      if ('text' in item) this.text(item.text);
      else this.json(item.json);
    }
  }

  userMessage(message: KiroUserInputMessage, limits: ImageSizeLimits): void {
    this.fixed += MESSAGE_OVERHEAD_TOKENS;
    this.text(message.content);
    for (const image of message.images ?? []) this.fixed += countImageTokens(image.source.bytes, limits);
    for (const result of message.userInputMessageContext?.toolResults ?? []) this.toolResult(result);
  }

  assistantMessage(message: KiroAssistantResponseMessage): void {
    this.fixed += MESSAGE_OVERHEAD_TOKENS;
    this.text(message.content);
    for (const toolUse of message.toolUses ?? []) {
      this.fixed += TOOL_BLOCK_OVERHEAD_TOKENS;
      this.text(toolUse.name);
      this.json(toolUse.input);
    }
  }
}

/**
 * What the upstream actually sees: Kiro's hidden prompt, every history turn, the current message,
 * tool results, images (by pixel size, never by base64 length) and tool definitions. The
 * converter's own injections (system pair, thinking prefix, Write/Edit suffixes) are part of the
 * request, so they are counted too. Used for count_tokens and message_start alike, so the two
 * always agree.
 */
export function kiroRequestTokenParts(
  request: KiroGenerateRequest,
  options: KiroTokenCountOptions = {},
): RequestTokenParts {
  const state = request.conversationState;
  const current = state.currentMessage.userInputMessage;
  const limits = options.imageLimits ?? imageLimitsForModel(current.modelId);
  const parts = new PartsBuilder();
  parts.fixed = options.hiddenPromptTokens ?? KIRO_HIDDEN_PROMPT_TOKENS;
  const tools: KiroToolSpecification[] = [];
  for (const item of state.history ?? []) {
    if ('userInputMessage' in item) {
      parts.userMessage(item.userInputMessage, limits);
      tools.push(...(item.userInputMessage.userInputMessageContext?.tools ?? []));
    } else {
      parts.assistantMessage(item.assistantResponseMessage);
    }
  }
  parts.userMessage(current, limits);
  tools.push(...(current.userInputMessageContext?.tools ?? []));
  if (tools.length > 0) parts.fixed += TOOL_USE_SYSTEM_PROMPT_TOKENS;
  for (const tool of tools) parts.toolSpecification(tool);
  return { fixed: parts.fixed, texts: parts.texts };
}

/** The input tokens of `request`, counting each text with `countText` (synchronously). */
export function countKiroRequestTokens(
  request: KiroGenerateRequest,
  countText: (text: string) => number,
  options: KiroTokenCountOptions = {},
): number {
  const { fixed, texts } = kiroRequestTokenParts(request, options);
  return texts.reduce((total, text) => total + countText(text), fixed);
}
