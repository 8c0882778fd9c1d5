// What the simulator answers when no script matches: deterministic text derived from the request.

import type { KiroGenerateRequest, KiroToolResult } from '../upstream/kiro-request.js';
import type { ScriptStep } from './script-types.js';

function excerpt(text: string, limit = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const points = [...flat];
  return points.length <= limit ? flat : `${points.slice(0, limit).join('')}…`;
}

function resultText(result: KiroToolResult): string {
  return result.content.map((item) => ('text' in item ? item.text : JSON.stringify(item.json))).join(' ');
}

/** The current user message as scripts match it: its content plus any tool-result text. */
export function currentMessageText(request: KiroGenerateRequest): string {
  const message = request.conversationState.currentMessage.userInputMessage;
  const results = message.userInputMessageContext?.toolResults ?? [];
  return [message.content, ...results.map(resultText)].join('\n');
}

export function defaultReplyText(request: KiroGenerateRequest): string {
  const message = request.conversationState.currentMessage.userInputMessage;
  const results = message.userInputMessageContext?.toolResults ?? [];
  const said = excerpt(message.content);
  if (results.length === 0) {
    return `This is the Kiro simulator answering your message. You said: "${said}". Nothing else to add.`;
  }
  const described = results.map(
    (result) => `${result.toolUseId} (${result.status}): "${excerpt(resultText(result), 80)}"`,
  );
  const plural = results.length === 1 ? '' : 's';
  const tail = said.length > 0 ? ` You also said: "${said}".` : '';
  return `I received ${results.length} tool result${plural}: ${described.join('; ')}.${tail} That completes the task.`;
}

/** Thinking (when wanted) then the answer; the planner appends metering and context usage. */
export function defaultReplySteps(request: KiroGenerateRequest, withThinking: boolean): ScriptStep[] {
  const steps: ScriptStep[] = [];
  if (withThinking) {
    const words = request.conversationState.currentMessage.userInputMessage.content
      .split(/\s+/)
      .filter(Boolean);
    steps.push({
      type: 'thinking',
      text: `The user wrote ${words.length} word${words.length === 1 ? '' : 's'}. I will answer briefly and deterministically.`,
    });
  }
  steps.push({ type: 'text', text: defaultReplyText(request) });
  return steps;
}
