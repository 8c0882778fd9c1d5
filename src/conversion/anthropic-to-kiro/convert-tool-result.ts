import type { ToolResultBlock } from '../../protocols/anthropic/messages-request.js';
import type { KiroToolResult } from '../../upstream/kiro-request.js';
import { convertDocument } from './convert-document.js';
import { convertImage } from './convert-images.js';
import { otherBlockText } from './other-block-text.js';
import type { UserTurn } from './turn.js';
import { quoteInput } from '../../shared/quote-input.js';

/** Tool results need non-empty content (user-needs appendix A). */
export const EMPTY_TOOL_RESULT = '(empty result)';
/** Stands in the result text for an image moved to the user turn's `images`. */
export const TOOL_RESULT_IMAGE_REFERENCE = '[image returned by the tool; attached to this message]';

/**
 * A tool_result block → a Kiro tool result: text items joined with "\n"; `is_error` → status error.
 * Images inside the result go to the user turn's `images`, and the result text names them so the model
 * knows where they came from.
 */
export function convertToolResult(
  block: ToolResultBlock,
  path: string,
  turn: UserTurn,
  warnings: string[],
): KiroToolResult {
  const texts: string[] = [];
  const content = block.content;
  if (typeof content === 'string') {
    texts.push(content);
  } else if (Array.isArray(content)) {
    content.forEach((item, index) => {
      const itemPath = `${path}.content.${index}`;
      const record = item as Record<string, unknown>;
      if (item.type === 'text' && typeof record.text === 'string') {
        texts.push(record.text);
      } else if (item.type === 'image') {
        turn.images.push(convertImage(record, itemPath, warnings));
        texts.push(TOOL_RESULT_IMAGE_REFERENCE);
      } else if (item.type === 'document') {
        texts.push(convertDocument(record, itemPath));
      } else {
        const text = otherBlockText(record);
        if (text === undefined)
          warnings.push(`${itemPath}: unsupported ${quoteInput(item.type)} block in tool_result ignored`);
        else texts.push(text);
      }
    });
  }
  const text = texts.join('\n');
  const result: KiroToolResult = {
    toolUseId: block.tool_use_id,
    content: [{ text: text.trim() === '' ? EMPTY_TOOL_RESULT : text }],
    status: block.is_error === true ? 'error' : 'success',
  };
  if (block.is_error === true) result.isError = true;
  return result;
}
