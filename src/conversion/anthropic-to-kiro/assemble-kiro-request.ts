import {
  KIRO_ORIGIN,
  type KiroGenerateRequest,
  type KiroHistoryItem,
  type KiroToolSpecification,
  type KiroUserInputMessage,
  type KiroUserInputMessageContext,
} from '../../upstream/kiro-request.js';
import type { AssistantTurn, Turn, UserTurn } from './turn.js';

/** Content of an assistant turn holding only tool calls (gotcha 5); " " keeps the model's context clean. */
export const TOOL_ONLY_ASSISTANT_CONTENT = ' ';
/** Content of a user turn holding only images. */
export const IMAGE_ONLY_USER_CONTENT = '(see the attached image)';

export interface AssembleInput {
  conversationId: string;
  agentContinuationId: string;
  modelId: string;
  /** Alternating, starting with user and ending with assistant. */
  history: readonly Turn[];
  current: UserTurn;
  tools: readonly KiroToolSpecification[];
}

/**
 * Builds the wire body (protocol §3.1). Empty arrays are omitted (§3.4 rule 6); tools go on the current
 * message only; `userInputMessageContext` is always present on the current message, as kiro.rs sends it.
 * A user turn carrying tool results and no text has content "" (kiro.rs, §3.8); no other content is empty.
 */
export function assembleKiroRequest(input: AssembleInput): KiroGenerateRequest {
  const currentMessage = userMessage(input.current, input.modelId);
  const context: KiroUserInputMessageContext = currentMessage.userInputMessageContext ?? {};
  if (input.tools.length > 0) context.tools = [...input.tools];
  currentMessage.userInputMessageContext = context;
  const history = input.history.map((turn) => historyItem(turn, input.modelId));
  return {
    conversationState: {
      agentContinuationId: input.agentContinuationId,
      agentTaskType: 'vibe',
      chatTriggerType: 'MANUAL',
      conversationId: input.conversationId,
      currentMessage: { userInputMessage: currentMessage },
      ...(history.length > 0 ? { history } : {}),
    },
  };
}

export function historyItem(turn: Turn, modelId: string): KiroHistoryItem {
  return turn.role === 'user'
    ? { userInputMessage: userMessage(turn, modelId) }
    : { assistantResponseMessage: assistantMessage(turn) };
}

function userMessage(turn: UserTurn, modelId: string): KiroUserInputMessage {
  const message: KiroUserInputMessage = { content: userContent(turn), modelId, origin: KIRO_ORIGIN };
  if (turn.images.length > 0) message.images = [...turn.images];
  if (turn.toolResults.length > 0) message.userInputMessageContext = { toolResults: [...turn.toolResults] };
  return message;
}

function userContent(turn: UserTurn): string {
  const text = turn.texts.join('\n');
  if (text !== '' || turn.toolResults.length > 0) return text;
  return turn.images.length > 0 ? IMAGE_ONLY_USER_CONTENT : '(empty)';
}

function assistantMessage(turn: AssistantTurn) {
  const content = turn.texts.join('\n\n');
  return {
    content: content === '' ? TOOL_ONLY_ASSISTANT_CONTENT : content,
    ...(turn.toolUses.length > 0 ? { toolUses: [...turn.toolUses] } : {}),
  };
}
