import type { KiroGenerateRequest, KiroUserInputMessage } from '../../upstream/kiro-request.js';

/** How many user messages (history and current) carry a modelId (§3.2). */
export function countUserMessages(request: KiroGenerateRequest): number {
  const history = request.conversationState.history ?? [];
  return 1 + history.filter((item) => 'userInputMessage' in item).length;
}

/**
 * The serialised Kiro body with another modelId on every user message, without converting again. No
 * string value can hold `"modelId":"…"` unescaped, so only objects can; when a tool schema or tool input
 * holds the same key and value (more matches than user messages), the body is parsed and written again.
 */
export function setKiroModelId(body: string, from: string, to: string, userMessages: number): string {
  if (from === to) return body;
  const parts = body.split(`"modelId":${JSON.stringify(from)}`);
  if (parts.length - 1 === userMessages) return parts.join(`"modelId":${JSON.stringify(to)}`);
  const request = JSON.parse(body) as KiroGenerateRequest;
  const setOn = (message: KiroUserInputMessage) => {
    message.modelId = to;
  };
  setOn(request.conversationState.currentMessage.userInputMessage);
  for (const item of request.conversationState.history ?? []) {
    if ('userInputMessage' in item) setOn(item.userInputMessage);
  }
  return JSON.stringify(request);
}
