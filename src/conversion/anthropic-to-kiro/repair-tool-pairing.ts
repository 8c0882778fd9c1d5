import type { KiroToolResult } from '../../upstream/kiro-request.js';
import { cloneTurn } from './merge-turns.js';
import type { Turn, UserTurn } from './turn.js';
import { quoteInput } from '../../shared/quote-input.js';

export interface PairedTurns {
  history: Turn[];
  current: UserTurn;
}

/**
 * Enforces the safe pairing form (protocol §3.4 rules 2 and 5, §3.5 step 8, gotchas 3 and 23): every tool use
 * is answered in the very next user turn, and every tool result answers a tool use of the assistant turn
 * just before it.
 * - a tool use without a result there is removed (an id already used by an earlier turn is removed too);
 * - a duplicate result for the same id is dropped;
 * - an orphan result (nothing to answer) becomes text in its user turn, so its information is not lost.
 * Expects alternating turns (history ends with an assistant turn or is empty).
 */
export function repairToolPairing(
  history: readonly Turn[],
  current: UserTurn,
  warnings: string[],
): PairedTurns {
  const turns = [...history, current].map((turn) => cloneTurn(turn));
  const usedIds = new Set<string>();
  turns.forEach((turn, index) => {
    if (turn.role === 'assistant') {
      const next = turns[index + 1];
      const answered = new Set(
        next?.role === 'user' ? next.toolResults.map((result) => result.toolUseId) : [],
      );
      turn.toolUses = turn.toolUses.filter((toolUse) => {
        const reused = usedIds.has(toolUse.toolUseId);
        usedIds.add(toolUse.toolUseId);
        if (!reused && answered.has(toolUse.toolUseId)) return true;
        const why = reused ? 'reuses an earlier id' : 'has no tool_result in the next user turn';
        warnings.push(
          `tool_use ${quoteInput(toolUse.toolUseId)} (${quoteInput(toolUse.name)}) ${why}; removed`,
        );
        return false;
      });
      return;
    }
    const previous = index > 0 ? turns[index - 1] : undefined;
    const open = new Set(
      previous?.role === 'assistant' ? previous.toolUses.map((toolUse) => toolUse.toolUseId) : [],
    );
    const kept: KiroToolResult[] = [];
    const orphanTexts: string[] = [];
    const seen = new Set<string>();
    for (const result of turn.toolResults) {
      const duplicate = seen.has(result.toolUseId);
      seen.add(result.toolUseId);
      if (open.has(result.toolUseId)) {
        open.delete(result.toolUseId);
        kept.push(result);
      } else if (duplicate) {
        warnings.push(`tool_result ${quoteInput(result.toolUseId)}: duplicate dropped`);
      } else {
        warnings.push(
          `tool_result ${quoteInput(result.toolUseId)} answers no tool_use in the previous assistant turn; sent as text`,
        );
        orphanTexts.push(orphanResultText(result));
      }
    }
    turn.toolResults = kept;
    turn.texts.unshift(...orphanTexts);
  });
  const repairedCurrent = turns.pop() as UserTurn;
  return { history: turns, current: repairedCurrent };
}

function orphanResultText(result: KiroToolResult): string {
  const text = result.content
    .map((item) => ('text' in item ? item.text : JSON.stringify(item.json)))
    .join('\n');
  const status = result.status === 'error' ? ' (error)' : '';
  return `[Result of tool call ${result.toolUseId}${status}]\n${text}`;
}
