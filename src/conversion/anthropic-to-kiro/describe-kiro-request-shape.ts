import type {
  KiroGenerateRequest,
  KiroHistoryItem,
  KiroUserInputMessage,
} from '../../upstream/kiro-request.js';

/**
 * What a Kiro request looked like, without any content, ids or names: enough to see which upstream
 * rule a reason-less "Improperly formed request" broke (alternation, pairing, empty content, sizes).
 */
export interface KiroRequestShape {
  modelId: string;
  bodyBytes: number;
  /** One entry per history turn, then the current message: `U`/`A` plus counts, e.g. `A(2 uses)`. */
  turns: string[];
  tools: number;
  longestToolName: number;
  longestToolDescription: number;
  /** Tools whose schema root is not `type: "object"` with an object `properties`. */
  nonObjectSchemas: number;
}

function count(value: number, label: string): string | undefined {
  return value > 0 ? `${value} ${label}` : undefined;
}

function userTurn(message: KiroUserInputMessage, current: boolean): string {
  const parts = [
    current ? 'current' : undefined,
    message.content === '' ? 'empty' : undefined,
    count(message.images?.length ?? 0, 'images'),
    count(message.userInputMessageContext?.toolResults?.length ?? 0, 'results'),
  ].filter((part): part is string => part !== undefined);
  return parts.length > 0 ? `U(${parts.join(', ')})` : 'U';
}

function historyTurn(item: KiroHistoryItem): string {
  if ('userInputMessage' in item) return userTurn(item.userInputMessage, false);
  const message = item.assistantResponseMessage;
  const parts = [
    message.content.trim() === '' ? 'blank' : undefined,
    count(message.toolUses?.length ?? 0, 'uses'),
  ].filter((part): part is string => part !== undefined);
  return parts.length > 0 ? `A(${parts.join(', ')})` : 'A';
}

export function describeKiroRequestShape(request: KiroGenerateRequest): KiroRequestShape {
  const state = request.conversationState;
  const current = state.currentMessage.userInputMessage;
  const tools = (current.userInputMessageContext?.tools ?? []).map((tool) => tool.toolSpecification);
  const isObjectSchema = (schema: Record<string, unknown>) =>
    schema.type === 'object' && typeof schema.properties === 'object' && schema.properties !== null;
  return {
    modelId: current.modelId,
    bodyBytes: Buffer.byteLength(JSON.stringify(request), 'utf8'),
    turns: [...(state.history ?? []).map(historyTurn), userTurn(current, true)],
    tools: tools.length,
    longestToolName: Math.max(0, ...tools.map((tool) => tool.name.length)),
    longestToolDescription: Math.max(0, ...tools.map((tool) => [...tool.description].length)),
    nonObjectSchemas: tools.filter((tool) => !isObjectSchema(tool.inputSchema.json)).length,
  };
}
