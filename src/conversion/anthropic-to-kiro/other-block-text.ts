/**
 * Text for content blocks Kiro has no field for (search_result, web_search_tool_result, tool_reference, and
 * any future block carrying `text`), so their information still reaches the model. Undefined when the block
 * holds nothing readable.
 */
export function otherBlockText(block: Record<string, unknown>): string | undefined {
  switch (block.type) {
    case 'search_result':
      return joinLines([asString(block.title), asString(block.source), itemsText(block.content)]);
    case 'tool_reference':
      return typeof block.tool_name === 'string' ? `Tool reference: ${block.tool_name}` : undefined;
    case 'web_search_tool_result':
      return webSearchText(block.content);
    case 'server_tool_use':
      return undefined;
    default:
      return typeof block.text === 'string' && block.text.trim() !== '' ? block.text : undefined;
  }
}

function webSearchText(content: unknown): string | undefined {
  if (!Array.isArray(content)) return undefined;
  const lines: string[] = [];
  for (const item of content as unknown[]) {
    const result = (item ?? {}) as Record<string, unknown>;
    if (typeof result.url !== 'string') continue;
    const title = asString(result.title);
    lines.push(title === undefined ? `- ${result.url}` : `- ${title} ${result.url}`);
  }
  return lines.length > 0 ? `Web search results:\n${lines.join('\n')}` : undefined;
}

function itemsText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  return joinLines(content.map((item) => asString((item as { text?: unknown } | null)?.text)));
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function joinLines(parts: (string | undefined)[]): string | undefined {
  const present = parts.filter((part): part is string => part !== undefined && part !== '');
  return present.length > 0 ? present.join('\n') : undefined;
}
