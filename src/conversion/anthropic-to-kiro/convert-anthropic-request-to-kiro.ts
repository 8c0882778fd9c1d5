import type { AnthropicMessagesRequest } from '../../protocols/anthropic/messages-request.js';
import { InvalidRequestError, NotFoundError } from '../../shared/errors.js';
import { resolveModel } from '../models/resolve-model.js';
import { addPlaceholderTools } from './add-placeholder-tools.js';
import { assembleKiroRequest } from './assemble-kiro-request.js';
import { buildHistory } from './build-history.js';
import type { ConversionContext, ConversionResult } from './conversion-context.js';
import { resolveConversationId } from './conversation-id.js';
import { convertMessage } from './convert-message.js';
import { convertTools } from './convert-tools.js';
import { ensureAlternation } from './ensure-alternation.js';
import { guardPayloadSize } from './guard-payload-size.js';
import { repairToolPairing } from './repair-tool-pairing.js';
import { resolveThinking } from './resolve-thinking.js';
import { buildSystemTurns, extractSystemPrompt } from './system-prompt.js';
import { buildThinkingPrefix, hasThinkingTags } from './thinking-prefix.js';
import { buildToolChoiceInstruction } from './tool-choice-instruction.js';
import { collectToolNames, createToolNameRegistry } from './tool-name-registry.js';
import { quoteInput } from '../../shared/quote-input.js';

export type { ConversionContext, ConversionResult, ThinkingSettings } from './conversion-context.js';

/**
 * Anthropic Messages request → Kiro generateAssistantResponse body. Pure: ids come from `context.newId`.
 * The result always satisfies the upstream's shape rules (validateKiroRequest); what cannot be expressed is
 * reported in `warnings`, and what the client must fix is thrown as InvalidRequestError (naming the field),
 * NotFoundError (unknown model) or PromptTooLongError (body too large).
 */
export function convertAnthropicRequestToKiro(
  request: AnthropicMessagesRequest,
  context: ConversionContext,
): ConversionResult {
  const warnings: string[] = [];
  const model = resolveModel(request.model, context.modelMapping);
  if (model === undefined)
    throw new NotFoundError(`model: ${quoteInput(request.model)} is not available through Kiro`);
  if (request.messages.length === 0)
    throw new InvalidRequestError('messages: at least one message is required');

  const thinking = resolveThinking(request, model, warnings);
  const { systemText, conversation } = extractSystemPrompt(request, warnings);
  const names = createToolNameRegistry(collectToolNames(request));
  const tools = convertTools(request.tools, names, warnings);
  const turns = conversation.map((message) => convertMessage(message, names, warnings));
  const { history: conversationHistory, current } = buildHistory(turns, warnings);

  const instruction = buildToolChoiceInstruction(request.tool_choice, tools, names, warnings);
  if (instruction !== undefined) current.texts.push(instruction);

  const thinkingPrefix = hasThinkingTags(systemText) ? undefined : buildThinkingPrefix(thinking);
  const systemTurns = buildSystemTurns(systemText, thinkingPrefix);
  const alternating = ensureAlternation([...systemTurns, ...conversationHistory]);
  const paired = repairToolPairing(alternating, current, warnings);

  const conversationId = resolveConversationId(request, context.newId);
  const agentContinuationId = context.newId();
  const {
    request: kiroRequest,
    body,
    trimmedMessages,
  } = guardPayloadSize(
    {
      history: paired.history,
      current: paired.current,
      systemTurnCount: systemTurns.length,
      build: (history, currentTurn) =>
        assembleKiroRequest({
          conversationId,
          agentContinuationId,
          modelId: model.kiroModelId,
          history,
          current: currentTurn,
          tools: addPlaceholderTools(tools.specifications, history),
        }),
      maxUpstreamBodyBytes: context.maxUpstreamBodyBytes,
      payloadGuard: context.payloadGuard,
    },
    warnings,
  );

  return {
    request: kiroRequest,
    body,
    model,
    toolNameMap: names.toolNameMap,
    thinking,
    warnings,
    trimmedMessages,
  };
}
