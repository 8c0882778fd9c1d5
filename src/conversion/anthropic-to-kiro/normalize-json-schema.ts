// Tool input schemas as MCP servers really send them (`required: null`, `properties: null`, a non-object root,
// a non-string `type`) are made acceptable to the upstream (protocol §3.3, gotcha 7): nulls are removed,
// a type list becomes its first non-null type. Other valid schemas pass through; nothing is added to them.

type JsonObject = Record<string, unknown>;

/** Keywords whose value is data, not a schema: kept as sent, minus nulls. */
const VALUE_KEYWORDS = new Set(['const', 'default', 'enum', 'examples', 'example']);
const SCHEMA_MAP_KEYWORDS = new Set([
  'properties',
  'patternProperties',
  '$defs',
  'definitions',
  'dependentSchemas',
]);
const SCHEMA_LIST_KEYWORDS = new Set(['anyOf', 'oneOf', 'allOf', 'prefixItems']);
const SCHEMA_KEYWORDS = new Set([
  'not',
  'if',
  'then',
  'else',
  'contains',
  'propertyNames',
  'additionalItems',
  'unevaluatedItems',
  'unevaluatedProperties',
]);

/** The root must be an object schema with an object `properties`. */
export function normalizeJsonSchema(schema: unknown): JsonObject {
  const root = isObject(schema) ? normalizeNode(schema) : {};
  const normalized: JsonObject = { ...root, type: 'object' };
  if (!isObject(normalized.properties)) normalized.properties = {};
  return normalized;
}

function normalizeNode(node: JsonObject): JsonObject {
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (VALUE_KEYWORDS.has(key)) {
      const data = key === 'enum' && Array.isArray(value) ? value.filter((item) => item !== null) : value;
      if (
        data !== null &&
        data !== undefined &&
        !(key === 'enum' && Array.isArray(data) && data.length === 0)
      ) {
        result[key] = data;
      }
      continue;
    }
    const normalized = normalizeKeyword(key, value);
    if (normalized !== undefined) result[key] = normalized;
  }
  if (!('type' in result) && isObject(result.properties)) result.type = 'object';
  return result;
}

function normalizeKeyword(key: string, value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (SCHEMA_MAP_KEYWORDS.has(key)) {
    if (!isObject(value)) return undefined;
    return Object.fromEntries(
      Object.entries(value).map(([name, inner]) => [name, normalizeSubschema(inner)]),
    );
  }
  if (SCHEMA_LIST_KEYWORDS.has(key)) {
    return Array.isArray(value) && value.length > 0 ? value.map(normalizeSubschema) : undefined;
  }
  if (SCHEMA_KEYWORDS.has(key)) return normalizeSubschema(value);
  switch (key) {
    case 'items':
      return Array.isArray(value) ? value.map(normalizeSubschema) : normalizeSubschema(value);
    case 'additionalProperties':
      if (typeof value === 'boolean') return value;
      return isObject(value) ? normalizeNode(value) : undefined;
    case 'required': {
      if (!Array.isArray(value)) return undefined;
      return value.filter((item): item is string => typeof item === 'string');
    }
    case 'type': {
      if (typeof value === 'string') return value;
      if (!Array.isArray(value)) return undefined;
      const types = value.filter((item): item is string => typeof item === 'string');
      return types.find((type) => type !== 'null') ?? types[0];
    }
    default:
      return value;
  }
}

/** A sub-schema that is not an object (null, true, a string, …) becomes the accept-anything schema. */
function normalizeSubschema(value: unknown): JsonObject {
  if (value === false) return { not: {} };
  return isObject(value) ? normalizeNode(value) : {};
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
