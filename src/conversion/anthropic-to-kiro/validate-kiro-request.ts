// The upstream's request rules (protocol §3.1–§3.4, §3.9, §11.2) as a checker for tests and e2e runs.
// It takes any parsed body and returns one message per violation ("path: rule"); [] means valid.

type JsonObject = Record<string, unknown>;

export interface ValidateKiroRequestOptions {
  /** Reject bodies above this many bytes (the upstream fails at ~629 600). */
  maxBodyBytes?: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TRIGGER_TYPES = new Set(['MANUAL', 'DIAGNOSTIC', 'INLINE_CHAT']);
const IMAGE_FORMATS = new Set(['png', 'jpeg', 'gif', 'webp']);
const ROOT_KEYS = new Set(['conversationState', 'profileArn']);
const STATE_KEYS = new Set([
  'agentContinuationId',
  'agentTaskType',
  'chatTriggerType',
  'conversationId',
  'currentMessage',
  'history',
]);
const USER_KEYS = new Set(['content', 'modelId', 'origin', 'images', 'userInputMessageContext']);
const CONTEXT_KEYS = new Set(['tools', 'toolResults']);
const ASSISTANT_KEYS = new Set(['content', 'toolUses']);
export const MAX_KIRO_TOOL_NAME_LENGTH = 64;
export const MAX_KIRO_TOOL_DESCRIPTION_CHARACTERS = 10_000;

export function validateKiroRequest(body: unknown, options: ValidateKiroRequestOptions = {}): string[] {
  const problems: string[] = [];
  const report = (path: string, rule: string) => problems.push(`${path}: ${rule}`);
  if (!isObject(body)) return ['body: must be an object'];
  checkKeys(body, ROOT_KEYS, 'body', report);
  if (options.maxBodyBytes !== undefined) {
    const size = Buffer.byteLength(JSON.stringify(body), 'utf8');
    if (size > options.maxBodyBytes) report('body', `${size} bytes exceeds ${options.maxBodyBytes}`);
  }
  const state = body.conversationState;
  if (!isObject(state)) return [...problems, 'conversationState: required object'];
  checkKeys(state, STATE_KEYS, 'conversationState', report);
  if (typeof state.conversationId !== 'string' || !UUID.test(state.conversationId)) {
    report('conversationState.conversationId', 'must be a UUID');
  }
  if (state.agentContinuationId !== undefined && typeof state.agentContinuationId !== 'string') {
    report('conversationState.agentContinuationId', 'must be a string');
  }
  if (typeof state.chatTriggerType !== 'string' || !TRIGGER_TYPES.has(state.chatTriggerType)) {
    report('conversationState.chatTriggerType', 'must be MANUAL, DIAGNOSTIC or INLINE_CHAT');
  }
  const current = isObject(state.currentMessage) ? state.currentMessage.userInputMessage : undefined;
  if (!isObject(current))
    return [...problems, 'conversationState.currentMessage.userInputMessage: required object'];

  const history = state.history === undefined ? [] : state.history;
  if (!Array.isArray(history)) return [...problems, 'conversationState.history: must be an array'];
  if (state.history !== undefined && history.length === 0)
    report('conversationState.history', 'empty array sent');
  checkNoNulls(state, 'conversationState', report);

  const declared = checkUserMessage(current, 'currentMessage.userInputMessage', true, report);
  const turns: { role: 'user' | 'assistant'; message: JsonObject; path: string }[] = [];
  history.forEach((item: unknown, index) => {
    const path = `history.${index}`;
    if (!isObject(item) || Object.keys(item).length !== 1) return report(path, 'must have exactly one key');
    if (isObject(item.userInputMessage)) {
      const message = item.userInputMessage;
      checkUserMessage(message, `${path}.userInputMessage`, false, report);
      turns.push({ role: 'user', message, path: `${path}.userInputMessage` });
    } else if (isObject(item.assistantResponseMessage)) {
      const message = item.assistantResponseMessage;
      checkAssistantMessage(message, `${path}.assistantResponseMessage`, report);
      turns.push({ role: 'assistant', message, path: `${path}.assistantResponseMessage` });
    } else report(path, 'must be userInputMessage or assistantResponseMessage');
  });
  turns.forEach((turn, index) => {
    const expected = index % 2 === 0 ? 'user' : 'assistant';
    if (turn.role !== expected)
      report(turn.path, `expected a ${expected} turn (history must alternate from user)`);
  });
  if (turns.length > 0 && turns.at(-1)?.role !== 'assistant')
    report('history', 'must end with an assistant turn');

  checkPairing(
    [...turns, { role: 'user', message: current, path: 'currentMessage.userInputMessage' }],
    report,
  );
  for (const turn of turns) {
    if (turn.role !== 'assistant') continue;
    for (const [index, toolUse] of listOf(turn.message.toolUses).entries()) {
      const name = isObject(toolUse) ? toolUse.name : undefined;
      if (typeof name === 'string' && !declared.has(name.toLowerCase())) {
        report(
          `${turn.path}.toolUses.${index}.name`,
          `tool "${name}" is not declared in currentMessage tools`,
        );
      }
    }
  }
  return problems;
}

function checkUserMessage(
  message: JsonObject,
  path: string,
  isCurrent: boolean,
  report: (path: string, rule: string) => void,
): Set<string> {
  checkKeys(message, USER_KEYS, path, report);
  const context = message.userInputMessageContext;
  const results = isObject(context) ? context.toolResults : undefined;
  if (typeof message.content !== 'string') report(`${path}.content`, 'must be a string');
  else if (message.content === '' && !(Array.isArray(results) && results.length > 0)) {
    report(`${path}.content`, 'empty content (allowed only with toolResults)');
  }
  if (typeof message.modelId !== 'string' || message.modelId === '') report(`${path}.modelId`, 'required');
  if (message.origin !== 'AI_EDITOR') report(`${path}.origin`, 'must be AI_EDITOR');
  if (message.images !== undefined) {
    const images = nonEmptyList(message.images, `${path}.images`, report);
    images.forEach((image, index) => {
      const source = isObject(image) ? image.source : undefined;
      const bytes = isObject(source) ? source.bytes : undefined;
      if (!isObject(image) || typeof image.format !== 'string' || !IMAGE_FORMATS.has(image.format)) {
        report(`${path}.images.${index}.format`, 'must be png, jpeg, gif or webp');
      }
      if (typeof bytes !== 'string' || bytes === '' || bytes.startsWith('data:')) {
        report(`${path}.images.${index}.source.bytes`, 'must be plain non-empty base64');
      }
    });
  }
  const declared = new Set<string>();
  if (context === undefined) return declared;
  if (!isObject(context)) {
    report(`${path}.userInputMessageContext`, 'must be an object');
    return declared;
  }
  checkKeys(context, CONTEXT_KEYS, `${path}.userInputMessageContext`, report);
  if (!isCurrent && context.tools !== undefined)
    report(`${path}.userInputMessageContext.tools`, 'tools only on the current message');
  if (context.toolResults !== undefined) {
    nonEmptyList(context.toolResults, `${path}.userInputMessageContext.toolResults`, report).forEach(
      (result, index) =>
        checkToolResult(result, `${path}.userInputMessageContext.toolResults.${index}`, report),
    );
  }
  if (context.tools !== undefined) {
    nonEmptyList(context.tools, `${path}.userInputMessageContext.tools`, report).forEach((tool, index) => {
      const name = checkTool(tool, `${path}.userInputMessageContext.tools.${index}`, report);
      if (name === undefined) return;
      if (declared.has(name.toLowerCase()))
        report(`${path}.userInputMessageContext.tools.${index}`, `duplicate tool "${name}"`);
      declared.add(name.toLowerCase());
    });
  }
  return declared;
}

function checkToolResult(result: unknown, path: string, report: (path: string, rule: string) => void): void {
  if (!isObject(result)) return report(path, 'must be an object');
  if (typeof result.toolUseId !== 'string' || result.toolUseId === '')
    report(`${path}.toolUseId`, 'required');
  if (result.status !== 'success' && result.status !== 'error')
    report(`${path}.status`, 'must be success or error');
  const content = nonEmptyList(result.content, `${path}.content`, report);
  content.forEach((item, index) => {
    const text = isObject(item) ? item.text : undefined;
    const json = isObject(item) ? item.json : undefined;
    if ((typeof text !== 'string' || text === '') && json === undefined) {
      report(`${path}.content.${index}`, 'must be a non-empty {text} or {json}');
    }
  });
}

function checkTool(
  tool: unknown,
  path: string,
  report: (path: string, rule: string) => void,
): string | undefined {
  const specification = isObject(tool) ? tool.toolSpecification : undefined;
  if (!isObject(specification)) {
    report(`${path}.toolSpecification`, 'required object');
    return undefined;
  }
  const { name, description, inputSchema } = specification;
  if (typeof name !== 'string' || name === '' || name.length > MAX_KIRO_TOOL_NAME_LENGTH) {
    report(`${path}.toolSpecification.name`, `must be 1–${MAX_KIRO_TOOL_NAME_LENGTH} characters`);
  }
  if (typeof description !== 'string' || description.trim() === '') {
    report(`${path}.toolSpecification.description`, 'must be a non-empty string');
  } else if ([...description].length > MAX_KIRO_TOOL_DESCRIPTION_CHARACTERS) {
    report(
      `${path}.toolSpecification.description`,
      `longer than ${MAX_KIRO_TOOL_DESCRIPTION_CHARACTERS} characters`,
    );
  }
  const schema = isObject(inputSchema) ? inputSchema.json : undefined;
  if (!isObject(schema)) report(`${path}.toolSpecification.inputSchema.json`, 'must be an object');
  else {
    if (schema.type !== 'object')
      report(`${path}.toolSpecification.inputSchema.json.type`, 'must be "object"');
    checkSchemaNulls(schema, `${path}.toolSpecification.inputSchema.json`, report);
  }
  return typeof name === 'string' ? name : undefined;
}

const SCHEMA_DATA_KEYWORDS = new Set(['enum', 'const', 'default', 'examples', 'example']);
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);

/** No nulls, `required` a string array, `properties` an object, `type` a string, at any depth (gotcha 7). */
function checkSchemaNulls(node: unknown, path: string, report: (path: string, rule: string) => void): void {
  if (Array.isArray(node))
    return node.forEach((item, index) => checkSchemaNulls(item, `${path}.${index}`, report));
  if (!isObject(node)) {
    if (node === null) report(path, 'null in schema');
    return;
  }
  if (
    'required' in node &&
    !(Array.isArray(node.required) && node.required.every((item) => typeof item === 'string'))
  ) {
    report(`${path}.required`, 'must be an array of strings');
  }
  if ('properties' in node && !isObject(node.properties)) report(`${path}.properties`, 'must be an object');
  if ('type' in node && typeof node.type !== 'string') report(`${path}.type`, 'must be a string');
  for (const [key, value] of Object.entries(node)) {
    const keyPath = `${path}.${key}`;
    if (value === null) report(keyPath, 'null in schema');
    else if (SCHEMA_MAPS.has(key) && isObject(value)) {
      for (const [name, inner] of Object.entries(value))
        checkSchemaNulls(inner, `${keyPath}.${name}`, report);
    } else if (!SCHEMA_DATA_KEYWORDS.has(key) && key !== 'required' && key !== 'type') {
      checkSchemaNulls(value, keyPath, report);
    }
  }
}

function checkAssistantMessage(
  message: JsonObject,
  path: string,
  report: (path: string, rule: string) => void,
): void {
  checkKeys(message, ASSISTANT_KEYS, path, report);
  if (typeof message.content !== 'string' || message.content === '')
    report(`${path}.content`, 'must be non-empty');
  if (message.toolUses === undefined) return;
  nonEmptyList(message.toolUses, `${path}.toolUses`, report).forEach((toolUse, index) => {
    const itemPath = `${path}.toolUses.${index}`;
    if (!isObject(toolUse)) return report(itemPath, 'must be an object');
    if (typeof toolUse.toolUseId !== 'string' || toolUse.toolUseId === '')
      report(`${itemPath}.toolUseId`, 'required');
    if (typeof toolUse.name !== 'string' || toolUse.name === '') report(`${itemPath}.name`, 'required');
    if (!isObject(toolUse.input)) report(`${itemPath}.input`, 'must be a JSON object');
  });
}

/** Every tool use is answered in the next user turn; every result answers the turn just before it. */
function checkPairing(
  turns: { role: 'user' | 'assistant'; message: JsonObject; path: string }[],
  report: (path: string, rule: string) => void,
): void {
  const seenUses = new Set<string>();
  turns.forEach((turn, index) => {
    if (turn.role === 'assistant') {
      const next = turns[index + 1];
      const answered = new Set(next?.role === 'user' ? resultIds(next.message) : []);
      for (const id of useIds(turn.message)) {
        if (seenUses.has(id)) report(turn.path, `toolUseId ${id} used twice`);
        seenUses.add(id);
        if (!answered.has(id)) report(turn.path, `toolUse ${id} has no toolResult in the next user turn`);
      }
      return;
    }
    const previous = turns[index - 1];
    const open = new Set(previous?.role === 'assistant' ? useIds(previous.message) : []);
    const seenResults = new Set<string>();
    for (const id of resultIds(turn.message)) {
      if (seenResults.has(id)) report(turn.path, `duplicate toolResult ${id}`);
      seenResults.add(id);
      if (!open.has(id))
        report(turn.path, `toolResult ${id} answers no toolUse of the previous assistant turn`);
    }
  });
}

function useIds(message: JsonObject): string[] {
  return listOf(message.toolUses).flatMap((toolUse) =>
    isObject(toolUse) && typeof toolUse.toolUseId === 'string' ? [toolUse.toolUseId] : [],
  );
}

function resultIds(message: JsonObject): string[] {
  const context = message.userInputMessageContext;
  return listOf(isObject(context) ? context.toolResults : undefined).flatMap((result) =>
    isObject(result) && typeof result.toolUseId === 'string' ? [result.toolUseId] : [],
  );
}

/** No null values in wire fields (tool inputs and schemas may hold JSON null legitimately). */
function checkNoNulls(node: unknown, path: string, report: (path: string, rule: string) => void): void {
  if (node === null) return report(path, 'null value');
  if (Array.isArray(node))
    return node.forEach((item, index) => checkNoNulls(item, `${path}.${index}`, report));
  if (!isObject(node)) return;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'input' || key === 'inputSchema' || key === 'json') continue;
    checkNoNulls(value, `${path}.${key}`, report);
  }
}

function checkKeys(
  object: JsonObject,
  allowed: Set<string>,
  path: string,
  report: (path: string, rule: string) => void,
) {
  for (const key of Object.keys(object)) if (!allowed.has(key)) report(`${path}.${key}`, 'unknown field');
}

function nonEmptyList(value: unknown, path: string, report: (path: string, rule: string) => void): unknown[] {
  if (!Array.isArray(value)) {
    report(path, 'must be an array');
    return [];
  }
  if (value.length === 0) report(path, 'empty array sent');
  return value;
}

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
