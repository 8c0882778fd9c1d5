import { InvalidRequestError } from '../../shared/errors.js';
import { mergeTurns } from './merge-turns.js';
import { emptyUserTurn, isEmptyTurn, type Turn, type UserTurn } from './turn.js';

/** The current message when a request holds assistant turns only. */
export const CONTINUE_PROMPT = 'Continue.';

export interface ConversationTurns {
  /** Earlier turns, merged; may start with an assistant turn (see ensureAlternation). */
  history: Turn[];
  /** The last user turn: Kiro's currentMessage. */
  current: UserTurn;
}

/**
 * Splits the conversation into history and the current message (protocol §3.5 steps 2, 4, 7):
 * empty turns are dropped, a trailing assistant prefill is dropped (the upstream cannot continue a partial
 * assistant turn; kiro.rs does the same), and consecutive same-role turns are merged.
 */
export function buildHistory(turns: readonly Turn[], warnings: string[]): ConversationTurns {
  const present = turns.filter((turn) => !isEmptyTurn(turn));
  if (present.length === 0) {
    throw new InvalidRequestError(
      'messages: at least one user or assistant message with content is required',
    );
  }
  const lastUser = present.findLastIndex((turn) => turn.role === 'user');
  if (lastUser === -1) {
    warnings.push(
      'messages: no user message; the assistant messages are kept as history and Kiro is asked to continue',
    );
    const current = emptyUserTurn();
    current.texts.push(CONTINUE_PROMPT);
    return { history: mergeTurns(present), current };
  }
  const dropped = present.length - 1 - lastUser;
  if (dropped > 0) {
    warnings.push(
      'messages: trailing assistant prefill dropped; Kiro cannot continue a partial assistant turn',
    );
  }
  const merged = mergeTurns(present.slice(0, lastUser + 1));
  const current = merged.pop() as UserTurn;
  return { history: merged, current };
}
