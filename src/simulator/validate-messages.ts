// Structure of single messages: user turns (§3.2) and assistant turns (§3.4).

import type { ErrorNamespace } from './upstream-errors.js';
import type { ToolLimits } from './validate-tools.js';
import { validateToolResults, validateTools } from './validate-tools.js';
import {
  checkKnownKeys,
  isObject,
  optionalArray,
  optionalString,
  reject,
  requireObject,
} from './request-rejection.js';

const USER_KEYS = new Set([
  'content',
  'modelId',
  'origin',
  'images',
  'userInputMessageContext',
  'userIntent',
  'documents',
  'cachePoint',
  'clientCacheConfig',
]);
const CONTEXT_KEYS = new Set([
  'tools',
  'toolResults',
  'envState',
  'editorState',
  'shellState',
  'gitState',
  'appStudioContext',
  'diagnostic',
  'consoleState',
  'userSettings',
  'additionalContext',
]);
const ASSISTANT_KEYS = new Set([
  'content',
  'toolUses',
  'messageId',
  'supplementaryWebLinks',
  'references',
  'followupPrompt',
  'cachePoint',
  'reasoningContent',
]);
const TOOL_USE_KEYS = new Set(['toolUseId', 'name', 'input']);
const IMAGE_KEYS = new Set(['format', 'source']);
const IMAGE_SOURCE_KEYS = new Set(['bytes']);
const IMAGE_FORMATS = new Set(['png', 'jpeg', 'gif', 'webp']);

export interface MessageContext {
  namespace: ErrorNamespace;
  toolLimits: ToolLimits;
}

export interface UserTurnSummary {
  role: 'user';
  toolResultIds: string[];
  toolNames: string[];
  descriptionTooLong: boolean;
}

export interface AssistantTurnSummary {
  role: 'assistant';
  toolUses: { id: string; name: string }[];
}

export type TurnSummary = UserTurnSummary | AssistantTurnSummary;

export function validateUserMessage(value: unknown, context: MessageContext): UserTurnSummary {
  const message = requireObject(value, 'user-message-not-object');
  checkKnownKeys(message, USER_KEYS, 'userInputMessage', context.namespace);
  if (typeof message.content !== 'string') reject('user-content-missing');
  optionalString(message, 'modelId', 'model-id-not-string');
  optionalString(message, 'origin', 'origin-not-string');
  const images = optionalArray(message, 'images', 'images-not-array');
  for (const image of images ?? []) validateImageShape(image, context);
  const summary: UserTurnSummary = {
    role: 'user',
    toolResultIds: [],
    toolNames: [],
    descriptionTooLong: false,
  };
  if (message.userInputMessageContext === undefined) return summary;
  const messageContext = requireObject(message.userInputMessageContext, 'user-context-not-object');
  checkKnownKeys(messageContext, CONTEXT_KEYS, 'userInputMessageContext', context.namespace);
  const tools = optionalArray(messageContext, 'tools', 'tools-not-array');
  if (tools) {
    const checked = validateTools(tools, context.toolLimits, context.namespace);
    summary.toolNames = checked.names;
    summary.descriptionTooLong = checked.descriptionTooLong;
  }
  const results = optionalArray(messageContext, 'toolResults', 'tool-results-not-array');
  if (results) summary.toolResultIds = validateToolResults(results, context.namespace);
  return summary;
}

export function validateAssistantMessage(value: unknown, context: MessageContext): AssistantTurnSummary {
  const message = requireObject(value, 'assistant-message-not-object');
  checkKnownKeys(message, ASSISTANT_KEYS, 'assistantResponseMessage', context.namespace);
  if (typeof message.content !== 'string') reject('assistant-content-missing');
  // §3.4 rule 4: "" fails upstream; a single space is the accepted placeholder.
  if (message.content.length === 0) reject('assistant-content-empty');
  const toolUses = optionalArray(message, 'toolUses', 'tool-uses-not-array') ?? [];
  return {
    role: 'assistant',
    toolUses: toolUses.map((entry) => {
      const use = requireObject(entry, 'tool-use-not-object');
      checkKnownKeys(use, TOOL_USE_KEYS, 'toolUses[]', context.namespace);
      const id = optionalString(use, 'toolUseId', 'tool-use-id-not-string');
      const name = optionalString(use, 'name', 'tool-use-name-not-string');
      if (!id) reject('tool-use-id-missing');
      if (!name) reject('tool-use-name-missing');
      // History tool inputs are JSON objects, unlike the streamed string fragments (§3.4).
      if (!isObject(use.input)) reject('tool-use-input-not-object');
      return { id, name };
    }),
  };
}

function validateImageShape(value: unknown, context: MessageContext): void {
  const image = requireObject(value, 'image-not-object');
  checkKnownKeys(image, IMAGE_KEYS, 'images[]', context.namespace);
  const format = optionalString(image, 'format', 'image-format-invalid');
  if (format === undefined || !IMAGE_FORMATS.has(format)) reject('image-format-invalid');
  const source = requireObject(image.source, 'image-source-missing');
  checkKnownKeys(source, IMAGE_SOURCE_KEYS, 'images[].source', context.namespace);
  if (typeof source.bytes !== 'string' || source.bytes.length === 0) reject('image-bytes-missing');
}
