import type { KiroToolSpecification } from '../../upstream/kiro-request.js';
import type { Turn } from './turn.js';

export const PLACEHOLDER_TOOL_DESCRIPTION = 'Tool used in conversation history';

function placeholderSchema(): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    properties: {},
    required: [],
    additionalProperties: true,
  };
}

/**
 * Every tool name used in history must be declared (protocol §3.4 rule 3, gotcha 2). Names missing from
 * `tools` (compared case-insensitively, like the upstream) get the §3.3 placeholder definition.
 */
export function addPlaceholderTools(tools: readonly KiroToolSpecification[], history: readonly Turn[]) {
  const declared = new Set(tools.map((tool) => tool.toolSpecification.name.toLowerCase()));
  const result = [...tools];
  for (const turn of history) {
    if (turn.role !== 'assistant') continue;
    for (const toolUse of turn.toolUses) {
      if (declared.has(toolUse.name.toLowerCase())) continue;
      declared.add(toolUse.name.toLowerCase());
      result.push({
        toolSpecification: {
          name: toolUse.name,
          description: PLACEHOLDER_TOOL_DESCRIPTION,
          inputSchema: { json: placeholderSchema() },
        },
      });
    }
  }
  return result;
}
