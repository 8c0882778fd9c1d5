// Conversation-level rules of §3.4: alternation, tool pairing, declared tool names.

import type { TurnSummary, UserTurnSummary } from './validate-messages.js';
import { reject } from './request-rejection.js';

/**
 * `history` must start with a user turn, alternate, and end with an assistant turn; the current
 * message is the next user turn (§3.4 rule 1).
 */
function checkAlternation(history: readonly TurnSummary[]): void {
  history.forEach((turn, index) => {
    const expected = index % 2 === 0 ? 'user' : 'assistant';
    if (turn.role !== expected)
      reject(index === 0 ? 'history-starts-with-assistant' : 'history-not-alternating');
  });
  if (history.length > 0 && history[history.length - 1]!.role !== 'assistant')
    reject('history-ends-with-user');
}

/**
 * Every tool use must be answered in the next user turn, and every result must answer a tool
 * use still open at that point (§3.4 rule 2).
 */
function checkToolPairing(turns: readonly TurnSummary[]): void {
  let open = new Set<string>();
  for (const turn of turns) {
    if (turn.role === 'assistant') {
      open = new Set(turn.toolUses.map((use) => use.id));
      continue;
    }
    for (const id of turn.toolResultIds) {
      if (!open.has(id)) reject('tool-result-orphan');
    }
    if (turn.toolResultIds.length < open.size) reject('tool-use-unanswered');
    open = new Set();
  }
}

/** Tool names used in history must be declared in the current `tools`, compared case-insensitively (§3.4 rule 3). */
function checkDeclaredTools(history: readonly TurnSummary[], current: UserTurnSummary): void {
  const declared = new Set(current.toolNames.map((name) => name.toLowerCase()));
  for (const turn of history) {
    if (turn.role !== 'assistant') continue;
    for (const use of turn.toolUses) {
      if (!declared.has(use.name.toLowerCase())) reject('history-tool-undeclared');
    }
  }
}

export function validateConversation(history: readonly TurnSummary[], current: UserTurnSummary): void {
  checkAlternation(history);
  checkToolPairing([...history, current]);
  checkDeclaredTools(history, current);
}
