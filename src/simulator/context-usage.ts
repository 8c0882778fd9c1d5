// How many input tokens a request carries, as the simulator's "model" sees them (§4.8).

import { sniffImage } from '../shared/image-info.js';
import { countTextTokens } from '../tokens/claude-tokenizer.js';
import type {
  KiroGenerateRequest,
  KiroImage,
  KiroToolResult,
  KiroUserInputMessage,
} from '../upstream/kiro-request.js';

/** Kiro's own hidden system prompt, never visible to clients (kiro-gateway PR #107 measured ~2 000). */
export const DEFAULT_HIDDEN_PROMPT_TOKENS = 2000;

/** Anthropic scales images so the long edge is at most this many pixels. */
const MAX_IMAGE_EDGE = 1568;

export interface InputTokenOptions {
  hiddenPromptTokens?: number;
}

/** Anthropic's image cost: ceil(width × height / 750) after scaling the long edge to ≤ 1568 px. */
export function imageTokens(width: number, height: number): number {
  if (width <= 0 || height <= 0) return 0;
  const scale = Math.min(1, MAX_IMAGE_EDGE / Math.max(width, height));
  const scaledWidth = Math.round(width * scale);
  const scaledHeight = Math.round(height * scale);
  return Math.ceil((scaledWidth * scaledHeight) / 750);
}

function imagesTokens(images: readonly KiroImage[] | undefined): number {
  let total = 0;
  for (const image of images ?? []) {
    const info = sniffImage(Buffer.from(image.source.bytes, 'base64'));
    if (info) total += imageTokens(info.width, info.height);
  }
  return total;
}

function toolResultTokens(results: readonly KiroToolResult[] | undefined): number {
  let total = 0;
  for (const result of results ?? []) {
    for (const item of result.content) {
      total += countTextTokens('text' in item ? item.text : JSON.stringify(item.json));
    }
  }
  return total;
}

function userMessageTokens(message: KiroUserInputMessage): number {
  const context = message.userInputMessageContext;
  let total = countTextTokens(message.content) + imagesTokens(message.images);
  total += toolResultTokens(context?.toolResults);
  for (const tool of context?.tools ?? []) total += countTextTokens(JSON.stringify(tool.toolSpecification));
  return total;
}

/**
 * Input tokens of a (validated) request: the Claude tokenizer over every text it carries —
 * history, current message, tool specs as JSON, tool uses and results — plus images by
 * Anthropic's formula, plus the hidden Kiro prompt.
 */
export function countRequestInputTokens(
  request: KiroGenerateRequest,
  options: InputTokenOptions = {},
): number {
  const state = request.conversationState;
  let total = options.hiddenPromptTokens ?? DEFAULT_HIDDEN_PROMPT_TOKENS;
  for (const item of state.history ?? []) {
    if ('userInputMessage' in item) {
      total += userMessageTokens(item.userInputMessage);
    } else {
      const message = item.assistantResponseMessage;
      total += countTextTokens(message.content);
      for (const use of message.toolUses ?? []) {
        total += countTextTokens(use.name) + countTextTokens(JSON.stringify(use.input));
      }
    }
  }
  return total + userMessageTokens(state.currentMessage.userInputMessage);
}

/** `100 × (input [+ output]) / window`, unrounded (§4.8). */
export function contextUsagePercentage(
  inputTokens: number,
  outputTokens: number,
  window: number,
  includeOutput: boolean,
): number {
  return (100 * (inputTokens + (includeOutput ? outputTokens : 0))) / window;
}

/** Every text the request carries, for substring matching and thinking detection. */
export function requestTexts(request: KiroGenerateRequest): string[] {
  const state = request.conversationState;
  const texts: string[] = [];
  for (const item of state.history ?? []) {
    texts.push(
      'userInputMessage' in item ? item.userInputMessage.content : item.assistantResponseMessage.content,
    );
  }
  texts.push(state.currentMessage.userInputMessage.content);
  return texts;
}

/** Thinking emulation is on when the prompt carries the `<thinking_mode>` tag (§3.10). */
export function requestAsksForThinking(request: KiroGenerateRequest): boolean {
  return requestTexts(request).some((text) => text.includes('<thinking_mode>'));
}
