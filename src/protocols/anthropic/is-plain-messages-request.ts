// A hand-written check of the common Messages request, so valid requests skip zod's copy of every
// object. It is conservative: true only when messagesRequestSchema would accept the body and give
// back an equal value; anything unusual answers false, and zod decides (and names the field).

type Json = Record<string, unknown>;

/** A JSON object with no own `__proto__` key (zod's copy would treat that key differently). */
function isObject(value: unknown): value is Json {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !Object.prototype.hasOwnProperty.call(value, '__proto__')
  );
}

/** Like Array#every, but a hole (which zod reads as undefined) fails. */
function all(array: unknown[], check: (item: unknown) => boolean): boolean {
  for (let index = 0; index < array.length; index++) if (!check(array[index])) return false;
  return true;
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isNullish = (value: unknown): value is null | undefined => value === null || value === undefined;
const nullishString = (value: unknown) => isNullish(value) || isString(value);
const nullishBoolean = (value: unknown) => isNullish(value) || typeof value === 'boolean';
const nullishNumber = (value: unknown) => isNullish(value) || Number.isFinite(value);
const typed = (value: unknown): value is Json & { type: string } => isObject(value) && isString(value.type);

const cacheControl = (block: Json) => isNullish(block.cache_control) || typed(block.cache_control);

function textBlock(block: Json): boolean {
  return block.type === 'text' && isString(block.text) && cacheControl(block);
}

function imageBlock(block: Json): boolean {
  const source = block.source;
  if (block.type !== 'image' || !typed(source) || !cacheControl(block)) return false;
  if (source.type === 'base64') return isString(source.media_type) && isString(source.data);
  if (source.type === 'url') return isString(source.url);
  return source.type === 'file' && isString(source.file_id);
}

function toolResultBlock(block: Json): boolean {
  const content = block.content;
  const contentOk =
    content === undefined || isString(content) || (Array.isArray(content) && all(content, typed));
  return isString(block.tool_use_id) && contentOk && nullishBoolean(block.is_error) && cacheControl(block);
}

function contentBlock(block: unknown): boolean {
  if (!typed(block)) return false;
  switch (block.type) {
    case 'text':
      return textBlock(block);
    case 'image':
      return imageBlock(block);
    case 'document':
      return typed(block.source) && nullishString(block.title) && cacheControl(block);
    case 'tool_use':
      return isString(block.id) && isString(block.name) && block.input !== undefined && cacheControl(block);
    case 'tool_result':
      return toolResultBlock(block);
    case 'thinking':
      return isString(block.thinking) && nullishString(block.signature);
    case 'redacted_thinking':
      return isString(block.data);
    default:
      return true;
  }
}

const ROLES = new Set(['user', 'assistant', 'system', 'developer']);

function message(value: unknown): boolean {
  if (!isObject(value) || !isString(value.role) || !ROLES.has(value.role)) return false;
  const content = value.content;
  return isString(content) || (Array.isArray(content) && all(content, contentBlock));
}

function tool(value: unknown): boolean {
  return (
    isObject(value) &&
    isString(value.name) &&
    value.name.length > 0 &&
    nullishString(value.type) &&
    nullishString(value.description) &&
    cacheControl(value)
  );
}

const TOOL_CHOICES = new Set(['auto', 'any', 'tool', 'none']);

function toolChoice(value: unknown): boolean {
  if (isNullish(value)) return true;
  return (
    typed(value) &&
    TOOL_CHOICES.has(value.type) &&
    (value.name === undefined || isString(value.name)) &&
    (value.disable_parallel_tool_use === undefined || typeof value.disable_parallel_tool_use === 'boolean')
  );
}

function thinking(value: unknown): boolean {
  if (isNullish(value)) return true;
  if (!typed(value)) return false;
  if (value.type === 'disabled' || value.type === 'adaptive') return true;
  const budget = value.budget_tokens;
  return (
    value.type === 'enabled' &&
    (budget === undefined || (Number.isSafeInteger(budget) && (budget as number) >= 0))
  );
}

const nullishObjectWith = (value: unknown, key: string) =>
  isNullish(value) || (isObject(value) && nullishString(value[key]));

/** True when `body` is a Messages request that messagesRequestSchema accepts unchanged. */
export function isPlainMessagesRequest(body: unknown): boolean {
  if (!isObject(body)) return false;
  const { system, tools, max_tokens: maxTokens, stop_sequences: stops } = body;
  return (
    isString(body.model) &&
    body.model.length > 0 &&
    Array.isArray(body.messages) &&
    all(body.messages, message) &&
    (isNullish(system) ||
      isString(system) ||
      (Array.isArray(system) && all(system, (b) => isObject(b) && textBlock(b)))) &&
    (maxTokens === undefined || (Number.isSafeInteger(maxTokens) && (maxTokens as number) > 0)) &&
    nullishBoolean(body.stream) &&
    (isNullish(tools) || (Array.isArray(tools) && all(tools, tool))) &&
    toolChoice(body.tool_choice) &&
    thinking(body.thinking) &&
    nullishObjectWith(body.output_config, 'effort') &&
    nullishObjectWith(body.metadata, 'user_id') &&
    nullishNumber(body.temperature) &&
    nullishNumber(body.top_p) &&
    nullishNumber(body.top_k) &&
    (isNullish(stops) || (Array.isArray(stops) && all(stops, isString)))
  );
}
