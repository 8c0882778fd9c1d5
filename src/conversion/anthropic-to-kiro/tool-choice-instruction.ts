import type { AnthropicToolChoice } from '../../protocols/anthropic/messages-request.js';
import type { ConvertedTools } from './convert-tools.js';
import type { ToolNameRegistry } from './tool-name-registry.js';
import { quoteInput } from '../../shared/quote-input.js';

/**
 * Kiro has no tool_choice field, so the choice becomes an instruction appended to the current user message,
 * the last thing the model reads before answering (it applies to this response only).
 * `auto` (the default) adds nothing; a choice that names no declared tool is ignored with a warning.
 */
export function buildToolChoiceInstruction(
  toolChoice: AnthropicToolChoice | null | undefined,
  tools: ConvertedTools,
  names: ToolNameRegistry,
  warnings: string[],
): string | undefined {
  if (!toolChoice) return undefined;
  const sentences: string[] = [];
  switch (toolChoice.type) {
    case 'none':
      sentences.push('Do not call any tools in this response; answer with text only.');
      break;
    case 'any':
      if (tools.declaredNames.size === 0)
        warnings.push('tool_choice: "any" ignored because no client tools are declared');
      else sentences.push('You must call at least one of the available tools in this response.');
      break;
    case 'tool': {
      const name = toolChoice.name ?? '';
      if (tools.declaredNames.has(name)) {
        sentences.push(`You must call the tool "${names.toKiro(name)}" in this response.`);
      } else {
        const why = tools.serverToolNames.has(name)
          ? 'is a server tool Kiro cannot run'
          : 'is not a declared tool';
        warnings.push(`tool_choice: "${quoteInput(name)}" ${why}; ignored`);
      }
      break;
    }
    case 'auto':
      break;
  }
  if (
    toolChoice.disable_parallel_tool_use === true &&
    toolChoice.type !== 'none' &&
    tools.declaredNames.size > 0
  ) {
    sentences.push('Call at most one tool in this response.');
  }
  return sentences.length > 0 ? sentences.join(' ') : undefined;
}
