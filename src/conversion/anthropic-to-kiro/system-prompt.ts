import type {
  AnthropicMessage,
  AnthropicMessagesRequest,
} from '../../protocols/anthropic/messages-request.js';
import { emptyAssistantTurn, emptyUserTurn, type Turn } from './turn.js';

/** A user or assistant message with its position in `messages` (for error paths). */
export interface IndexedMessage {
  role: 'user' | 'assistant';
  content: AnthropicMessage['content'];
  index: number;
}

export interface ExtractedSystemPrompt {
  /** Top-level `system` and every system/developer message, in source order; undefined when blank. */
  systemText: string | undefined;
  conversation: IndexedMessage[];
}

/** Appended to the system turn; keeps large Write/Edit inputs under the upstream's tool-input cut (gotcha 22). */
export const CHUNKED_WRITE_POLICY =
  'When the Write or Edit tool has content size limits, follow them silently: split large content into ' +
  'several smaller Write/Edit calls and finish the whole chunked operation without commenting on the limits.';

export const SYSTEM_ACKNOWLEDGEMENT = 'I will follow these instructions.';

/**
 * Collects the system prompt: top-level `system` (string or text blocks; blocks joined with "\n") and
 * `role: "system"`/`"developer"` messages anywhere in `messages` (Claude Code sends one after the last user
 * message), joined with a blank line in source order. The remaining messages are the conversation.
 */
export function extractSystemPrompt(
  request: AnthropicMessagesRequest,
  warnings: string[],
): ExtractedSystemPrompt {
  const parts: string[] = [];
  const topLevel = systemContentText(request.system ?? undefined, 'system', warnings);
  if (topLevel !== '') parts.push(topLevel);
  const conversation: IndexedMessage[] = [];
  request.messages.forEach((message, index) => {
    if (message.role === 'system' || message.role === 'developer') {
      const text = systemContentText(message.content, `messages.${index}`, warnings);
      if (text !== '') parts.push(text);
    } else {
      conversation.push({ role: message.role, content: message.content, index });
    }
  });
  return { systemText: parts.length > 0 ? parts.join('\n\n') : undefined, conversation };
}

function systemContentText(content: unknown, path: string, warnings: string[]): string {
  if (content === undefined || content === null) return '';
  if (typeof content === 'string') return content.trim() === '' ? '' : content;
  if (!Array.isArray(content)) return '';
  const texts: string[] = [];
  for (const block of content as unknown[]) {
    const text = (block as { text?: unknown } | null)?.text;
    if (typeof text === 'string') {
      if (text.trim() !== '') texts.push(text);
    } else {
      warnings.push(`${path}: non-text system content ignored`);
    }
  }
  return texts.join('\n');
}

/**
 * The system pair at history index 0 (protocol §3.5 step 6): user = [thinking prefix "\n"] system text "\n"
 * policy, assistant = acknowledgement. With no system text the pair carries the thinking prefix alone; with
 * neither there is no pair.
 */
export function buildSystemTurns(systemText: string | undefined, thinkingPrefix: string | undefined): Turn[] {
  const body = systemText === undefined ? undefined : `${systemText}\n${CHUNKED_WRITE_POLICY}`;
  const content = [thinkingPrefix, body].filter((part) => part !== undefined).join('\n');
  if (content === '') return [];
  const user = emptyUserTurn();
  user.texts.push(content);
  const assistant = emptyAssistantTurn();
  assistant.texts.push(SYSTEM_ACKNOWLEDGEMENT);
  return [user, assistant];
}
