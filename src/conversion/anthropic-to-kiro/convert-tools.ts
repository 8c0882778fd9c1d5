import type { AnthropicTool } from '../../protocols/anthropic/messages-request.js';
import type { KiroToolSpecification } from '../../upstream/kiro-request.js';
import { normalizeJsonSchema } from './normalize-json-schema.js';
import type { ToolNameRegistry } from './tool-name-registry.js';
import { countCharacters, truncateCharacters } from './truncate-characters.js';
import { quoteInput } from '../../shared/quote-input.js';

/** The upstream fails on longer descriptions (protocol §3.3; 10 240 observed, kiro.rs uses 10 000). */
export const MAX_TOOL_DESCRIPTION_CHARACTERS = 10_000;

/** Work around the upstream cutting large tool inputs mid-JSON (gotcha 22). */
export const WRITE_TOOL_SUFFIX =
  '\n\nWhen the content to write is longer than 150 lines, write only the first 50 lines with this tool, ' +
  'then append the rest with the Edit tool in chunks of at most 50 lines.';
export const EDIT_TOOL_SUFFIX =
  '\n\nKeep new_string to at most 50 lines per call; split larger edits into several calls.';

export interface ConvertedTools {
  specifications: KiroToolSpecification[];
  /** Original names of the client tools that were declared (server tools excluded). */
  declaredNames: Set<string>;
  /** Original names of server tools that were filtered out. */
  serverToolNames: Set<string>;
}

/**
 * Client tools → Kiro tool specifications: long names shortened, descriptions truncated (an empty one becomes
 * `Tool: {name}`), schemas normalised, Write/Edit suffixes added. Server tools (a `type` such as
 * `web_search_20250305` and no schema) cannot run through generateAssistantResponse and are filtered out.
 * `defer_loading`, `cache_control`, `strict`, `input_examples` and other fields are ignored.
 */
export function convertTools(
  tools: readonly AnthropicTool[] | null | undefined,
  names: ToolNameRegistry,
  warnings: string[],
): ConvertedTools {
  const specifications: KiroToolSpecification[] = [];
  const declaredNames = new Set<string>();
  const serverToolNames = new Set<string>();
  const seen = new Set<string>();
  (tools ?? []).forEach((tool, index) => {
    if (isServerTool(tool)) {
      serverToolNames.add(tool.name);
      warnings.push(
        `tools.${index}: server tool "${quoteInput(tool.name)}" (${quoteInput(tool.type ?? '')}) is not supported through Kiro; ignored`,
      );
      return;
    }
    const kiroName = names.toKiro(tool.name);
    if (seen.has(kiroName.toLowerCase())) {
      warnings.push(
        `tools.${index}: duplicate tool name "${quoteInput(tool.name)}"; only the first definition is sent`,
      );
      return;
    }
    seen.add(kiroName.toLowerCase());
    declaredNames.add(tool.name);
    specifications.push({
      toolSpecification: {
        name: kiroName,
        description: describeTool(tool),
        inputSchema: { json: normalizeJsonSchema(tool.input_schema) },
      },
    });
  });
  return { specifications, declaredNames, serverToolNames };
}

/** Anthropic-defined tools carry a versioned `type` (`custom` is an ordinary client tool). */
export function isServerTool(tool: AnthropicTool): boolean {
  return typeof tool.type === 'string' && tool.type !== '' && tool.type !== 'custom';
}

function describeTool(tool: AnthropicTool): string {
  const description = tool.description?.trim() ? tool.description : `Tool: ${tool.name}`;
  const suffix = tool.name === 'Write' ? WRITE_TOOL_SUFFIX : tool.name === 'Edit' ? EDIT_TOOL_SUFFIX : '';
  const room = MAX_TOOL_DESCRIPTION_CHARACTERS - countCharacters(suffix);
  return truncateCharacters(description, room) + suffix;
}
