// What the simulator received: the generateAssistantResponse bodies the gateway sent upstream.

import { validateKiroRequest } from '../../src/conversion/anthropic-to-kiro/validate-kiro-request.js';
import type { RecordedRequest } from '../../src/simulator/sim-stats.js';
import type {
  KiroAssistantResponseMessage,
  KiroGenerateRequest,
  KiroUserInputMessage,
} from '../../src/upstream/kiro-request.js';
import type { Stack } from './start-stack.js';

/** Every recorded generateAssistantResponse call (accepted or not), oldest first. */
export function chatRequests(stack: Stack): RecordedRequest[] {
  return stack.sim.stats.requests.filter((request) => request.path.endsWith('/generateAssistantResponse'));
}

/** The newest chat request the simulator recorded. */
export function lastChatRequest(stack: Stack): RecordedRequest {
  const requests = chatRequests(stack);
  const last = requests.at(-1);
  if (last === undefined) throw new Error('the simulator recorded no chat request');
  return last;
}

/** The newest chat body, after checking it against the upstream's shape rules. */
export function lastChatBody(stack: Stack): KiroGenerateRequest {
  const request = lastChatRequest(stack);
  const problems = validateKiroRequest(request.body);
  if (problems.length > 0) throw new Error(`the upstream body breaks Kiro's rules:\n${problems.join('\n')}`);
  return request.body as KiroGenerateRequest;
}

export function currentMessage(body: KiroGenerateRequest): KiroUserInputMessage {
  return body.conversationState.currentMessage.userInputMessage;
}

export type FlatTurn =
  | { role: 'user'; message: KiroUserInputMessage }
  | { role: 'assistant'; message: KiroAssistantResponseMessage };

/** History then the current message, as a role-tagged list. */
export function allTurns(body: KiroGenerateRequest): FlatTurn[] {
  const history = (body.conversationState.history ?? []).map((item): FlatTurn =>
    'userInputMessage' in item
      ? { role: 'user', message: item.userInputMessage }
      : { role: 'assistant', message: item.assistantResponseMessage },
  );
  return [...history, { role: 'user', message: currentMessage(body) }];
}

/** Every text the upstream sees (user and assistant contents), joined by newlines. */
export function upstreamText(body: KiroGenerateRequest): string {
  return allTurns(body)
    .map((turn) => turn.message.content)
    .join('\n');
}
