// The generateAssistantResponse body, checked the way the upstream checks it (§3.4, §11.2).

import { sniffImage } from '../shared/image-info.js';
import type { KiroGenerateRequest, KiroImage } from '../upstream/kiro-request.js';
import type { ErrorNamespace, SimHttpError } from './upstream-errors.js';
import {
  improperlyFormed,
  internalError,
  imageTypeMismatch,
  profileArnRequired,
  requestBodyInvalid,
} from './upstream-errors.js';
import type { JsonObject } from './request-rejection.js';
import {
  RequestRejection,
  checkKnownKeys,
  optionalString,
  reject,
  requireObject,
} from './request-rejection.js';
import type { MessageContext, TurnSummary } from './validate-messages.js';
import { validateAssistantMessage, validateUserMessage } from './validate-messages.js';
import { validateConversation } from './validate-conversation.js';
import type { ToolLimits } from './validate-tools.js';

export interface RequestValidationOptions {
  /** The kiro.dev runtime host: `profileArn` is required and errors use its namespace. */
  runtime: boolean;
  toolLimits: ToolLimits;
  /** What an over-long tool description gets: 500 like the live upstream (default), or 400. */
  toolDescriptionStatus: 400 | 500;
}

export type RequestValidation =
  { ok: true; request: KiroGenerateRequest } | { ok: false; rule: string; answer: SimHttpError };

const TOP_LEVEL_KEYS = new Set([
  'conversationState',
  'profileArn',
  'source',
  'dryRun',
  'additionalModelRequestFields',
]);
const STATE_KEYS = new Set([
  'conversationId',
  'agentContinuationId',
  'agentTaskType',
  'chatTriggerType',
  'currentMessage',
  'history',
  'workspaceId',
  'customizationArn',
]);
const CURRENT_MESSAGE_KEYS = new Set(['userInputMessage']);
const HISTORY_ITEM_KEYS = new Set(['userInputMessage', 'assistantResponseMessage']);
const TRIGGER_TYPES = new Set(['MANUAL', 'DIAGNOSTIC', 'INLINE_CHAT']);

function checkProfileArn(
  body: JsonObject,
  options: RequestValidationOptions,
  namespace: ErrorNamespace,
): void {
  const arn = body.profileArn;
  if (options.runtime && arn === undefined)
    throw new RequestRejection('profile-arn-required', profileArnRequired());
  if (arn === undefined) return;
  if (typeof arn !== 'string') reject('profile-arn-not-string');
  if (options.runtime && arn.length === 0)
    throw new RequestRejection('profile-arn-empty', requestBodyInvalid(namespace));
}

function checkHistory(state: JsonObject, context: MessageContext): TurnSummary[] {
  if (state.history === undefined) return [];
  if (!Array.isArray(state.history)) reject('history-not-array');
  return state.history.map((entry): TurnSummary => {
    const item = requireObject(entry, 'history-item-not-object');
    checkKnownKeys(item, HISTORY_ITEM_KEYS, 'history[]', context.namespace);
    const keys = Object.keys(item);
    if (keys.length !== 1) reject('history-item-ambiguous');
    return 'userInputMessage' in item
      ? validateUserMessage(item.userInputMessage, context)
      : validateAssistantMessage(item.assistantResponseMessage, context);
  });
}

/** Declared `format` must match the bytes: the upstream sniffs them. */
function checkImageBytes(request: KiroGenerateRequest, namespace: ErrorNamespace): void {
  const state = request.conversationState;
  const images: KiroImage[] = [...(state.currentMessage.userInputMessage.images ?? [])];
  for (const item of state.history ?? []) {
    if ('userInputMessage' in item) images.push(...(item.userInputMessage.images ?? []));
  }
  for (const image of images) {
    const info = sniffImage(Buffer.from(image.source.bytes, 'base64'));
    if (!info) reject('image-unreadable');
    const declared = `image/${image.format}`;
    if (info.mediaType !== declared) {
      throw new RequestRejection(
        'image-type-mismatch',
        imageTypeMismatch(namespace, declared, info.mediaType),
      );
    }
  }
}

function validateBody(body: unknown, options: RequestValidationOptions): KiroGenerateRequest {
  const namespace: ErrorNamespace = options.runtime ? 'runtime' : 'codewhisperer';
  const context: MessageContext = { namespace, toolLimits: options.toolLimits };
  const root = requireObject(body, 'body-not-object');
  checkKnownKeys(root, TOP_LEVEL_KEYS, 'body', namespace);
  checkProfileArn(root, options, namespace);
  const state = requireObject(root.conversationState, 'conversation-state-missing');
  checkKnownKeys(state, STATE_KEYS, 'conversationState', namespace);
  if (!optionalString(state, 'conversationId', 'conversation-id-not-string'))
    reject('conversation-id-missing');
  const trigger = optionalString(state, 'chatTriggerType', 'chat-trigger-type-invalid');
  if (trigger === undefined || !TRIGGER_TYPES.has(trigger)) reject('chat-trigger-type-invalid');
  optionalString(state, 'agentContinuationId', 'agent-continuation-id-not-string');
  optionalString(state, 'agentTaskType', 'agent-task-type-not-string');
  const currentMessage = requireObject(state.currentMessage, 'current-message-missing');
  // "currentMessage must be a userInputMessage" is a plain Improperly formed (user-needs Appendix A).
  if (currentMessage.userInputMessage === undefined) reject('current-user-message-missing');
  checkKnownKeys(currentMessage, CURRENT_MESSAGE_KEYS, 'currentMessage', namespace);
  const current = validateUserMessage(currentMessage.userInputMessage, context);
  const history = checkHistory(state, context);
  validateConversation(history, current);
  const request = root as unknown as KiroGenerateRequest;
  checkImageBytes(request, namespace);
  const tooLong =
    current.descriptionTooLong || history.some((turn) => turn.role === 'user' && turn.descriptionTooLong);
  if (tooLong) {
    const answer = options.toolDescriptionStatus === 500 ? internalError(namespace) : improperlyFormed();
    throw new RequestRejection('tool-description-too-long', answer);
  }
  return request;
}

/** Checks a parsed body; never throws. */
export function validateGenerateRequest(body: unknown, options: RequestValidationOptions): RequestValidation {
  try {
    return { ok: true, request: validateBody(body, options) };
  } catch (error) {
    if (error instanceof RequestRejection) return { ok: false, rule: error.rule, answer: error.answer };
    throw error;
  }
}
