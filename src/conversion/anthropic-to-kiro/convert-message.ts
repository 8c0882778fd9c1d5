import type { AnyContentBlock, ToolResultBlock } from '../../protocols/anthropic/messages-request.js';
import { assertJsonDepth } from '../../protocols/anthropic/messages-request.js';
import { quoteInput } from '../../shared/quote-input.js';
import { convertDocument } from './convert-document.js';
import { convertImage } from './convert-images.js';
import { convertToolResult } from './convert-tool-result.js';
import { otherBlockText } from './other-block-text.js';
import type { IndexedMessage } from './system-prompt.js';
import type { ToolNameRegistry } from './tool-name-registry.js';
import { emptyAssistantTurn, emptyUserTurn, type AssistantTurn, type Turn, type UserTurn } from './turn.js';

/** One Anthropic user/assistant message → one working turn. Blank texts are left out. */
export function convertMessage(message: IndexedMessage, names: ToolNameRegistry, warnings: string[]): Turn {
  const path = `messages.${message.index}`;
  const blocks: AnyContentBlock[] =
    typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
  return message.role === 'user'
    ? convertUserBlocks(blocks, path, warnings)
    : convertAssistantBlocks(blocks, path, names, warnings);
}

function convertUserBlocks(blocks: AnyContentBlock[], path: string, warnings: string[]): UserTurn {
  const turn = emptyUserTurn();
  blocks.forEach((block, index) => {
    const blockPath = `${path}.content.${index}`;
    const record = block as Record<string, unknown>;
    switch (block.type) {
      case 'text':
        pushText(turn.texts, record.text);
        break;
      case 'image':
        turn.images.push(convertImage(record, blockPath, warnings));
        break;
      case 'document':
        pushText(turn.texts, convertDocument(record, blockPath));
        break;
      case 'tool_result':
        turn.toolResults.push(convertToolResult(block as ToolResultBlock, blockPath, turn, warnings));
        break;
      case 'thinking':
      case 'redacted_thinking':
        break;
      case 'tool_use':
        warnings.push(`${blockPath}: tool_use in a user message ignored`);
        break;
      default:
        pushOther(turn.texts, record, blockPath, warnings);
    }
  });
  return turn;
}

/**
 * Thinking blocks become `<thinking>…</thinking>` text (their signatures are not Kiro's to check, and none is
 * ever forged); redacted_thinking is dropped; tool_use ids are de-duplicated within the message.
 */
function convertAssistantBlocks(
  blocks: AnyContentBlock[],
  path: string,
  names: ToolNameRegistry,
  warnings: string[],
): AssistantTurn {
  const turn = emptyAssistantTurn();
  const ids = new Set<string>();
  blocks.forEach((block, index) => {
    const blockPath = `${path}.content.${index}`;
    const record = block as Record<string, unknown>;
    switch (block.type) {
      case 'text':
        pushText(turn.texts, record.text);
        break;
      case 'thinking':
        if (typeof record.thinking === 'string' && record.thinking.trim() !== '') {
          turn.texts.push(`<thinking>${record.thinking}</thinking>`);
        }
        break;
      case 'redacted_thinking':
        break;
      case 'tool_use': {
        const id = typeof record.id === 'string' ? record.id : '';
        const name = typeof record.name === 'string' ? record.name : '';
        if (id === '' || name === '') warnings.push(`${blockPath}: tool_use without id or name ignored`);
        else if (ids.has(id)) warnings.push(`${blockPath}: duplicate tool_use id ${quoteInput(id)} ignored`);
        else {
          ids.add(id);
          turn.toolUses.push({
            toolUseId: id,
            name: names.toKiro(name),
            input: toolInput(record.input, `${blockPath}.input`),
          });
        }
        break;
      }
      case 'image':
      case 'document':
      case 'tool_result':
        warnings.push(`${blockPath}: ${quoteInput(block.type)} in an assistant message ignored`);
        break;
      default:
        pushOther(turn.texts, record, blockPath, warnings);
    }
  });
  return turn;
}

function pushText(texts: string[], text: unknown): void {
  if (typeof text === 'string' && text.trim() !== '') texts.push(text);
}

function pushOther(texts: string[], block: Record<string, unknown>, path: string, warnings: string[]): void {
  const text = otherBlockText(block);
  if (text !== undefined) texts.push(text);
  else if (block.type !== 'server_tool_use')
    warnings.push(`${path}: unsupported ${quoteInput(String(block.type))} block ignored`);
}

/**
 * Kiro wants tool input as a JSON object; a JSON-object string is parsed (its depth checked like the
 * body's, which could not see inside it), anything else becomes `{}`.
 */
function toolInput(input: unknown, path: string): Record<string, unknown> {
  let value = input;
  while (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return {};
    }
    assertJsonDepth(
      value,
      path.split('.').map((key) => (/^\d+$/.test(key) ? Number(key) : key)),
    );
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
