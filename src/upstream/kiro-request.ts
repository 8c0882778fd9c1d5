// Wire types of the generateAssistantResponse request body (protocol §3).

export type KiroImageFormat = 'png' | 'jpeg' | 'gif' | 'webp';

export interface KiroImage {
  format: KiroImageFormat;
  source: { bytes: string };
}

export interface KiroToolSpecification {
  toolSpecification: {
    name: string;
    description: string;
    inputSchema: { json: Record<string, unknown> };
  };
}

export type KiroToolResultContent = { text: string } | { json: unknown };

export interface KiroToolResult {
  toolUseId: string;
  content: KiroToolResultContent[];
  status: 'success' | 'error';
  isError?: true;
}

export interface KiroUserInputMessageContext {
  tools?: KiroToolSpecification[];
  toolResults?: KiroToolResult[];
}

export interface KiroUserInputMessage {
  content: string;
  modelId: string;
  origin: string;
  images?: KiroImage[];
  userInputMessageContext?: KiroUserInputMessageContext;
}

export interface KiroToolUse {
  toolUseId: string;
  name: string;
  input: Record<string, unknown>;
}

export interface KiroAssistantResponseMessage {
  content: string;
  toolUses?: KiroToolUse[];
}

export type KiroHistoryItem =
  { userInputMessage: KiroUserInputMessage } | { assistantResponseMessage: KiroAssistantResponseMessage };

export type KiroChatTriggerType = 'MANUAL' | 'DIAGNOSTIC' | 'INLINE_CHAT';

export interface KiroConversationState {
  agentContinuationId?: string;
  agentTaskType?: 'vibe' | 'spectask';
  chatTriggerType: KiroChatTriggerType;
  conversationId: string;
  currentMessage: { userInputMessage: KiroUserInputMessage };
  history?: KiroHistoryItem[];
}

/** The whole body. `profileArn` is injected per chosen credential (§3.6), never by the converter. */
export interface KiroGenerateRequest {
  conversationState: KiroConversationState;
  profileArn?: string;
}

export const KIRO_ORIGIN = 'AI_EDITOR';
