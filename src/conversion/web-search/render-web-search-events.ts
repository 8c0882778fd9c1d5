import type {
  AnthropicStreamEvent,
  WebSearchResult,
  WebSearchToolResultBlock,
} from '../../protocols/anthropic/stream-events.js';
import type { WebSearchResultItem } from './parse-mcp-web-search-response.js';

export interface RenderWebSearchEventsInput {
  query: string;
  /** What a search that worked found (maybe nothing); a failed search is an error, never rendered. */
  results: readonly WebSearchResultItem[];
  /** The model name the client asked for. */
  model: string;
  /** `msg_` + 24 hex. */
  messageId: string;
  /** `srvtoolu_` + 32 hex; the web_search_tool_result block points back at it. */
  toolUseId: string;
  /** Input estimate of the request, as in message_start of any other request. */
  inputTokens: number;
  countTokens: (text: string) => number;
}

const DELTA_LENGTH = 100;
const SNIPPET_LENGTH = 200;
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

/** "December 20, 2023" (UTC), the format of Anthropic's page_age. */
function formatPageAge(epochMs: number | undefined): string | null {
  if (epochMs === undefined) return null;
  const date = new Date(epochMs);
  if (Number.isNaN(date.getTime())) return null;
  return `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}, ${date.getUTCFullYear()}`;
}

/** At most `length` code points (never half a surrogate pair), with `...` when cut. */
function truncate(text: string, length: number): string {
  const characters = Array.from(text);
  return characters.length <= length ? text : `${characters.slice(0, length).join('')}...`;
}

function toResultBlock(results: readonly WebSearchResultItem[], toolUseId: string): WebSearchToolResultBlock {
  const content = results.map((item): WebSearchResult => ({
    type: 'web_search_result',
    title: item.title,
    url: item.url,
    encrypted_content: item.snippet ?? '',
    page_age: formatPageAge(item.publishedDate),
  }));
  return { type: 'web_search_tool_result', tool_use_id: toolUseId, content };
}

function describeResult(item: WebSearchResultItem, index: number): string {
  const snippet = item.snippet?.replace(/\s+/g, ' ').trim();
  const lines = [`${index + 1}. **${item.title}**`];
  if (snippet) lines.push(`   ${truncate(snippet, SNIPPET_LENGTH)}`);
  lines.push(`   Source: ${item.url}`);
  return `${lines.join('\n')}\n`;
}

function summarize(query: string, results: readonly WebSearchResultItem[]): string {
  const heading = `Here are the search results for "${query}":\n\n`;
  const body = results.length > 0 ? results.map(describeResult).join('\n') : 'No results found.\n';
  return `${heading}${body}\nPlease note that these are web search results and may not be fully accurate or up-to-date.`;
}

function textBlock(index: number, text: string, chunkLength: number): AnthropicStreamEvent[] {
  const characters = Array.from(text);
  const deltas: AnthropicStreamEvent[] = [];
  for (let start = 0; start < characters.length; start += chunkLength) {
    const chunk = characters.slice(start, start + chunkLength).join('');
    deltas.push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: chunk } });
  }
  return [
    { type: 'content_block_start', index, content_block: { type: 'text', text: '' } },
    ...deltas,
    { type: 'content_block_stop', index },
  ];
}

/**
 * The complete SSE event list answering a web search request (protocol §8.3): a text block
 * announcing the search, the server_tool_use block, the web_search_tool_result block (its
 * tool_use_id matching, as the official SDK types require), a summary text in 100-character deltas, then message_delta with
 * `server_tool_use.web_search_requests: 1` and `end_turn`. As on Anthropic, the results the model
 * would read count as input tokens: message_delta reports the estimate plus the results.
 */
export function renderWebSearchEvents(input: RenderWebSearchEventsInput): AnthropicStreamEvent[] {
  const { query, results, countTokens } = input;
  const announcement = `I'll search for "${query}".`;
  const summary = summarize(query, results);
  const toolInput = { query };
  const resultTokens = results.reduce(
    (total, item) => total + countTokens(`${item.title}\n${item.url}\n${item.snippet ?? ''}`),
    0,
  );
  const outputTokens = Math.max(
    1,
    countTokens(announcement) + countTokens(JSON.stringify(toolInput)) + countTokens(summary),
  );
  const usage = { cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  return [
    {
      type: 'message_start',
      message: {
        id: input.messageId,
        type: 'message',
        role: 'assistant',
        content: [],
        model: input.model,
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: input.inputTokens, output_tokens: 0, ...usage },
      },
    },
    ...textBlock(0, announcement, Number.POSITIVE_INFINITY),
    {
      type: 'content_block_start',
      index: 1,
      content_block: { type: 'server_tool_use', id: input.toolUseId, name: 'web_search', input: toolInput },
    },
    { type: 'content_block_stop', index: 1 },
    { type: 'content_block_start', index: 2, content_block: toResultBlock(results, input.toolUseId) },
    { type: 'content_block_stop', index: 2 },
    ...textBlock(3, summary, DELTA_LENGTH),
    {
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: {
        input_tokens: input.inputTokens + resultTokens,
        output_tokens: outputTokens,
        ...usage,
        server_tool_use: { web_search_requests: 1 },
      },
    },
    { type: 'message_stop' },
  ];
}
