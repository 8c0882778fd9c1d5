import type { Turn } from './turn.js';

/**
 * Merges consecutive same-role turns (client retries and split messages produce them; gotcha 4):
 * texts, images and tool results are concatenated; tool uses too, de-duplicated by id.
 */
export function mergeTurns(turns: readonly Turn[]): Turn[] {
  const merged: Turn[] = [];
  for (const turn of turns) {
    const previous = merged.at(-1);
    if (previous === undefined || previous.role !== turn.role) {
      merged.push(cloneTurn(turn));
    } else if (previous.role === 'user' && turn.role === 'user') {
      previous.texts.push(...turn.texts);
      previous.images.push(...turn.images);
      previous.toolResults.push(...turn.toolResults);
    } else if (previous.role === 'assistant' && turn.role === 'assistant') {
      previous.texts.push(...turn.texts);
      const ids = new Set(previous.toolUses.map((toolUse) => toolUse.toolUseId));
      for (const toolUse of turn.toolUses) {
        if (ids.has(toolUse.toolUseId)) continue;
        ids.add(toolUse.toolUseId);
        previous.toolUses.push(toolUse);
      }
    }
  }
  return merged;
}

export function cloneTurn<T extends Turn>(turn: T): T {
  return turn.role === 'user'
    ? { ...turn, texts: [...turn.texts], images: [...turn.images], toolResults: [...turn.toolResults] }
    : { ...turn, texts: [...turn.texts], toolUses: [...turn.toolUses] };
}
