import type {
  AnthropicMessage,
  AnthropicMessagesRequest,
} from '../../protocols/anthropic/messages-request.js';
import { InvalidRequestError } from '../../shared/errors.js';

/** The sentence Claude Code's WebSearch tool wraps the model's query in. */
export const WEB_SEARCH_QUERY_PREFIX = 'Perform a web search for the query: ';
const PREFIX_STEM = WEB_SEARCH_QUERY_PREFIX.trimEnd();

function textsOf(message: AnthropicMessage): string[] {
  if (typeof message.content === 'string') return [message.content];
  const texts: string[] = [];
  for (const block of message.content) {
    if (block.type === 'text' && typeof block.text === 'string') texts.push(block.text);
  }
  return texts;
}

/**
 * The search query of a web search request (protocol §8.1): the first text of the first user
 * message, with Claude Code's `Perform a web search for the query: ` prefix stripped. Claude Code
 * sends the text as a plain string (2.1.28x) or as a single text block (2.1.21x); a text block
 * carrying the prefix wins over earlier ones, and system/developer messages placed in `messages`
 * are skipped. Throws InvalidRequestError (400) when there is no query.
 */
export function extractWebSearchQuery(request: AnthropicMessagesRequest): string {
  const first = request.messages.find((message) => message.role === 'user');
  const texts = first === undefined ? [] : textsOf(first);
  const text = texts.find((candidate) => candidate.trimStart().startsWith(PREFIX_STEM)) ?? texts[0] ?? '';
  const trimmed = text.trim();
  const query = (trimmed.startsWith(PREFIX_STEM) ? trimmed.slice(PREFIX_STEM.length) : trimmed).trim();
  if (query.length === 0)
    throw new InvalidRequestError('web search request has no query text in its first user message');
  return query;
}
