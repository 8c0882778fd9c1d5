import { emptyAssistantTurn, emptyUserTurn, type Turn } from './turn.js';

/** Inserted only where the upstream's shape rules leave no alternative; never empty (protocol §3.4 rule 1). */
export const USER_PLACEHOLDER = '(continued)';
export const ASSISTANT_PLACEHOLDER = '(continued)';

/**
 * History must start with a user turn, strictly alternate and end with an assistant turn (the current
 * message is the next user turn). Inserts minimal placeholder turns where that does not already hold.
 */
export function ensureAlternation(history: readonly Turn[]): Turn[] {
  const result: Turn[] = [];
  for (const turn of history) {
    const expected = result.length % 2 === 0 ? 'user' : 'assistant';
    if (turn.role !== expected) result.push(placeholder(expected));
    result.push(turn);
  }
  if (result.length % 2 === 1) result.push(placeholder('assistant'));
  return result;
}

function placeholder(role: 'user' | 'assistant'): Turn {
  if (role === 'user') {
    const user = emptyUserTurn();
    user.texts.push(USER_PLACEHOLDER);
    return user;
  }
  const assistant = emptyAssistantTurn();
  assistant.texts.push(ASSISTANT_PLACEHOLDER);
  return assistant;
}
