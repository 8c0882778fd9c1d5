import { z } from 'zod';
import { InvalidRequestError } from '../../shared/errors.js';
import { MAX_JSON_DEPTH, findTooDeepPath } from '../../shared/json-depth.js';
import { quoteInput } from '../../shared/quote-input.js';
import { isPlainMessagesRequest } from './is-plain-messages-request.js';

// The Anthropic Messages request as clients send it. Fields Anthropic accepts but Kiro cannot use
// (temperature, metadata, container, context_management, …) are accepted: objects are loose.

const cacheControl = z.looseObject({ type: z.string() }).nullish();

export const textBlockSchema = z.looseObject({
  type: z.literal('text'),
  text: z.string(),
  cache_control: cacheControl,
});

export const imageSourceSchema = z.union([
  z.looseObject({ type: z.literal('base64'), media_type: z.string(), data: z.string() }),
  z.looseObject({ type: z.literal('url'), url: z.string() }),
  z.looseObject({ type: z.literal('file'), file_id: z.string() }),
]);

export const imageBlockSchema = z.looseObject({
  type: z.literal('image'),
  source: imageSourceSchema,
  cache_control: cacheControl,
});

export const documentBlockSchema = z.looseObject({
  type: z.literal('document'),
  source: z.looseObject({ type: z.string() }),
  title: z.string().nullish(),
  cache_control: cacheControl,
});

export const toolUseBlockSchema = z.looseObject({
  type: z.literal('tool_use'),
  id: z.string(),
  name: z.string(),
  input: z.unknown(),
  cache_control: cacheControl,
});

const toolResultContentSchema = z.union([
  z.string(),
  z.array(z.union([textBlockSchema, imageBlockSchema, z.looseObject({ type: z.string() })])),
]);

export const toolResultBlockSchema = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string(),
  content: toolResultContentSchema.optional(),
  is_error: z.boolean().nullish(),
  cache_control: cacheControl,
});

export const thinkingBlockSchema = z.looseObject({
  type: z.literal('thinking'),
  thinking: z.string(),
  signature: z.string().nullish(),
});

export const redactedThinkingBlockSchema = z.looseObject({
  type: z.literal('redacted_thinking'),
  data: z.string(),
});

/** Block types with a known shape; any other `type` is accepted as an opaque block. */
const knownBlockSchemas = {
  text: textBlockSchema,
  image: imageBlockSchema,
  document: documentBlockSchema,
  tool_use: toolUseBlockSchema,
  tool_result: toolResultBlockSchema,
  thinking: thinkingBlockSchema,
  redacted_thinking: redactedThinkingBlockSchema,
} as const;

export type TextBlock = z.infer<typeof textBlockSchema>;
export type ImageBlock = z.infer<typeof imageBlockSchema>;
export type DocumentBlock = z.infer<typeof documentBlockSchema>;
export type ToolUseBlock = z.infer<typeof toolUseBlockSchema>;
export type ToolResultBlock = z.infer<typeof toolResultBlockSchema>;
export type ThinkingBlock = z.infer<typeof thinkingBlockSchema>;
export type RedactedThinkingBlock = z.infer<typeof redactedThinkingBlockSchema>;
/** e.g. server_tool_use, web_search_tool_result, search_result, container_upload. */
export type OtherBlock = { type: string } & Record<string, unknown>;

export type ContentBlock =
  | TextBlock
  | ImageBlock
  | DocumentBlock
  | ToolUseBlock
  | ToolResultBlock
  | ThinkingBlock
  | RedactedThinkingBlock;

export type AnyContentBlock = ContentBlock | OtherBlock;

const contentBlockSchema = z.looseObject({ type: z.string() }).transform((block, context) => {
  const schema = (knownBlockSchemas as Record<string, z.ZodType | undefined>)[block.type];
  if (schema === undefined) return block;
  const result = schema.safeParse(block);
  if (result.success) return result.data as AnyContentBlock;
  for (const issue of result.error.issues) context.addIssue({ ...issue, path: issue.path });
  return z.NEVER;
});

export const messageSchema = z.looseObject({
  role: z.enum(['user', 'assistant', 'system', 'developer']),
  content: z.union([z.string(), z.array(contentBlockSchema)]),
});

export type AnthropicMessage = {
  role: 'user' | 'assistant' | 'system' | 'developer';
  content: string | AnyContentBlock[];
};

export const toolSchema = z.looseObject({
  name: z.string().min(1),
  /** Server tools (web_search_20250305, …) carry a type and no schema. */
  type: z.string().nullish(),
  description: z.string().nullish(),
  input_schema: z.unknown().optional(),
  cache_control: cacheControl,
});

export type AnthropicTool = z.infer<typeof toolSchema>;

export const toolChoiceSchema = z.looseObject({
  type: z.enum(['auto', 'any', 'tool', 'none']),
  name: z.string().optional(),
  disable_parallel_tool_use: z.boolean().optional(),
});

export type AnthropicToolChoice = z.infer<typeof toolChoiceSchema>;

export const thinkingConfigSchema = z.union([
  z.looseObject({ type: z.literal('enabled'), budget_tokens: z.number().int().nonnegative().optional() }),
  z.looseObject({ type: z.literal('disabled') }),
  z.looseObject({ type: z.literal('adaptive') }),
]);

export const messagesRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(messageSchema),
  system: z.union([z.string(), z.array(textBlockSchema)]).nullish(),
  max_tokens: z.number().int().positive().optional(),
  stream: z.boolean().nullish(),
  tools: z.array(toolSchema).nullish(),
  tool_choice: toolChoiceSchema.nullish(),
  thinking: thinkingConfigSchema.nullish(),
  output_config: z.looseObject({ effort: z.string().nullish() }).nullish(),
  metadata: z.looseObject({ user_id: z.string().nullish() }).nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  top_k: z.number().nullish(),
  stop_sequences: z.array(z.string()).nullish(),
});

type MessagesRequestBody = z.infer<typeof messagesRequestSchema>;

/** `Omit` would erase the known fields behind the loose index signature; key remapping keeps them. */
export type AnthropicMessagesRequest = {
  [Key in keyof MessagesRequestBody as Key extends 'messages' ? never : Key]: MessagesRequestBody[Key];
} & {
  messages: AnthropicMessage[];
};

type Issue = z.core.$ZodIssue;

/** For a union, the issues of the branch that got furthest into the input. */
function flattenIssue(issue: Issue, prefix: PropertyKey[]): { path: PropertyKey[]; message: string } {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const depth = (issues: Issue[]) => Math.max(...issues.map((inner) => inner.path.length));
    const best = issue.errors.reduce((a, b) => (depth(b) > depth(a) ? b : a));
    if (depth(best) > 0) return flattenIssue(best[0]!, path);
  }
  const message = issue.message.replace(
    /^Invalid input: expected (\w+), received undefined$/,
    'Field required',
  );
  return { path, message };
}

/** "messages.2.content.0.id: Field required" style text, naming the offending fields. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => {
      const { path, message } = flattenIssue(issue, []);
      return path.length > 0
        ? `${path.map((key) => quoteInput(String(key), 40)).join('.')}: ${message}`
        : message;
    })
    .join('; ');
}

/** Containers of the request's own structure; the field named in a depth error is the first one past them. */
const ENVELOPE_KEYS = new Set<PropertyKey>(['messages', 'content', 'tools', 'system']);

/** `tools.0.input_schema` for a path that goes on into the schema. */
function fieldOf(path: PropertyKey[]): string {
  const end = path.findIndex((key) => typeof key !== 'number' && !ENVELOPE_KEYS.has(key));
  const field = (end === -1 ? path : path.slice(0, end + 1)).map((key) => quoteInput(String(key), 40));
  return field.length > 0 ? field.join('.') : 'request body';
}

/** Throws InvalidRequestError naming the field when `value` nests deeper than MAX_JSON_DEPTH levels. */
export function assertJsonDepth(value: unknown, prefix: PropertyKey[] = []): void {
  const path = findTooDeepPath(value, MAX_JSON_DEPTH - prefix.length);
  if (path === undefined) return;
  throw new InvalidRequestError(
    `${fieldOf([...prefix, ...path])}: nests deeper than ${MAX_JSON_DEPTH} levels (counted from the request body)`,
  );
}

/**
 * Validates an untrusted body; throws InvalidRequestError naming the field. A common, valid body is
 * checked by hand and returned as is (zod would copy every object of it); zod decides the rest.
 */
export function parseMessagesRequest(body: unknown): AnthropicMessagesRequest {
  assertJsonDepth(body);
  if (isPlainMessagesRequest(body)) return body as AnthropicMessagesRequest;
  const result = messagesRequestSchema.safeParse(body);
  if (!result.success) throw new InvalidRequestError(describeZodError(result.error));
  return result.data;
}
