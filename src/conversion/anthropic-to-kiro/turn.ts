import type { KiroImage, KiroToolResult, KiroToolUse } from '../../upstream/kiro-request.js';

// The converter's working form of a conversation turn, between Anthropic messages and Kiro history items.

export interface UserTurn {
  role: 'user';
  texts: string[];
  images: KiroImage[];
  toolResults: KiroToolResult[];
}

export interface AssistantTurn {
  role: 'assistant';
  texts: string[];
  toolUses: KiroToolUse[];
}

export type Turn = UserTurn | AssistantTurn;

export function emptyUserTurn(): UserTurn {
  return { role: 'user', texts: [], images: [], toolResults: [] };
}

export function emptyAssistantTurn(): AssistantTurn {
  return { role: 'assistant', texts: [], toolUses: [] };
}

export function isEmptyTurn(turn: Turn): boolean {
  if (turn.texts.length > 0) return false;
  return turn.role === 'user'
    ? turn.images.length === 0 && turn.toolResults.length === 0
    : turn.toolUses.length === 0;
}
