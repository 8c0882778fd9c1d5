import type { AnthropicMessagesRequest } from '../../protocols/anthropic/messages-request.js';

/** Anthropic's server-side web search tool types: web_search_20250305, web_search_20260209, … */
const WEB_SEARCH_TOOL_TYPE = /^web_search_\d{8}$/;

/**
 * True for a request Kiro must answer through its MCP web search instead of
 * generateAssistantResponse (protocol §8.1). Claude Code's WebSearch tool sends exactly this: a
 * side request whose only tool is `{type: "web_search_20250305", name: "web_search", max_uses: 8}`,
 * with `tool_choice` either `{type: "tool", name: "web_search"}` or `auto`. A client tool that is
 * merely named web_search (no server type) is an ordinary tool, and `tool_choice: none` forbids
 * searching, so neither takes this path.
 */
export function isWebSearchRequest(request: AnthropicMessagesRequest): boolean {
  const tools = request.tools;
  if (!tools || tools.length !== 1) return false;
  const [tool] = tools;
  if (tool?.name !== 'web_search' || typeof tool.type !== 'string') return false;
  if (!WEB_SEARCH_TOOL_TYPE.test(tool.type)) return false;
  const choice = request.tool_choice;
  if (choice?.type === 'none') return false;
  return choice?.type !== 'tool' || choice.name === 'web_search';
}
