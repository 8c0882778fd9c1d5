// Tool specifications and tool results (protocol §3.2, §3.3).

import type { ErrorNamespace } from './upstream-errors.js';
import type { JsonObject } from './request-rejection.js';
import { checkKnownKeys, isObject, optionalString, reject, requireObject } from './request-rejection.js';

export interface ToolLimits {
  nameLimit: number;
  descriptionLimit: number;
}

const TOOL_KEYS = new Set(['toolSpecification', 'cachePoint']);
const SPEC_KEYS = new Set(['name', 'description', 'inputSchema']);
const SCHEMA_KEYS = new Set(['json']);
const RESULT_KEYS = new Set(['toolUseId', 'content', 'status', 'isError']);
const RESULT_CONTENT_KEYS = new Set(['text', 'json']);

/** `required: null` or `properties: null` anywhere in a schema breaks the upstream (gotcha #7). Iterative: any depth. */
export function hasNullStructure(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const node = pending.pop();
    if (isObject(node) && (node.required === null || node.properties === null)) return true;
    if (typeof node === 'object' && node !== null)
      for (const inner of Object.values(node)) pending.push(inner);
  }
  return false;
}

/**
 * Validates `tools` and returns the declared names. Over-long descriptions are reported,
 * not thrown: the upstream fails them later, with a 500 (see validate-request).
 */
export function validateTools(
  tools: unknown[],
  limits: ToolLimits,
  namespace: ErrorNamespace,
): { names: string[]; descriptionTooLong: boolean } {
  const names: string[] = [];
  let descriptionTooLong = false;
  for (const tool of tools) {
    const item = requireObject(tool, 'tool-not-object');
    checkKnownKeys(item, TOOL_KEYS, 'tools[]', namespace);
    const spec = requireObject(item.toolSpecification, 'tool-specification-missing');
    checkKnownKeys(spec, SPEC_KEYS, 'toolSpecification', namespace);
    const name = optionalString(spec, 'name', 'tool-name-not-string');
    if (!name) reject('tool-name-missing');
    if ([...name].length > limits.nameLimit) reject('tool-name-too-long');
    const description = optionalString(spec, 'description', 'tool-description-not-string') ?? '';
    if ([...description].length > limits.descriptionLimit) descriptionTooLong = true;
    const inputSchema = requireObject(spec.inputSchema, 'tool-input-schema-missing');
    checkKnownKeys(inputSchema, SCHEMA_KEYS, 'inputSchema', namespace);
    const json = inputSchema.json;
    if (!isObject(json)) reject('tool-schema-not-object');
    if (json.type !== undefined && json.type !== 'object') reject('tool-schema-not-object');
    if (hasNullStructure(json)) reject('tool-schema-null');
    names.push(name);
  }
  return { names, descriptionTooLong };
}

/** Validates `toolResults` and returns their ids; duplicate ids are rejected (§3.4 rule 5). */
export function validateToolResults(results: unknown[], namespace: ErrorNamespace): string[] {
  const ids: string[] = [];
  for (const entry of results) {
    const result = requireObject(entry, 'tool-result-not-object');
    checkKnownKeys(result, RESULT_KEYS, 'toolResults[]', namespace);
    const id = optionalString(result, 'toolUseId', 'tool-result-id-not-string');
    if (!id) reject('tool-result-id-missing');
    if (ids.includes(id)) reject('tool-result-duplicate');
    const status = optionalString(result, 'status', 'tool-result-status-invalid');
    if (status !== undefined && status !== 'success' && status !== 'error')
      reject('tool-result-status-invalid');
    if (result.isError !== undefined && typeof result.isError !== 'boolean')
      reject('tool-result-is-error-invalid');
    const content = result.content;
    if (!Array.isArray(content) || content.length === 0) reject('tool-result-content-empty');
    for (const part of content) validateResultContent(part, namespace);
    ids.push(id);
  }
  return ids;
}

function validateResultContent(part: unknown, namespace: ErrorNamespace): void {
  const item: JsonObject = requireObject(part, 'tool-result-content-invalid');
  checkKnownKeys(item, RESULT_CONTENT_KEYS, 'toolResults[].content[]', namespace);
  const keys = Object.keys(item);
  if (keys.length !== 1) reject('tool-result-content-invalid');
  if ('text' in item && typeof item.text !== 'string') reject('tool-result-content-invalid');
  if ('json' in item && item.json === null) reject('tool-result-content-invalid');
}
