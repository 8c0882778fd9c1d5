/**
 * Deepest nesting of arrays and objects a client request may have, counted from the body itself
 * (the body object is level 1). serde_json, which kiro.rs parses requests with, stops at 128, so
 * every request kiro.rs accepted passes; a tool schema still has ~124 levels for itself. Every walk
 * over client JSON (schema normalisation, JSON.stringify of the Kiro body, token counting, request
 * shape logging) may then recurse without exhausting the stack.
 */
export const MAX_JSON_DEPTH = 128;

interface Node {
  value: object;
  depth: number;
  key: PropertyKey | undefined;
  parent: Node | undefined;
}

function pathOf(node: Node): PropertyKey[] {
  const path: PropertyKey[] = [];
  for (let at: Node | undefined = node; at?.key !== undefined; at = at.parent) path.push(at.key);
  return path.reverse();
}

/**
 * The path (keys and indexes) to the first array or object nested deeper than `maxDepth` levels, or
 * undefined. Iterative, so it is safe on anything JSON.parse returns, however deep.
 */
export function findTooDeepPath(
  value: unknown,
  maxDepth: number = MAX_JSON_DEPTH,
): PropertyKey[] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const stack: Node[] = [{ value, depth: 1, key: undefined, parent: undefined }];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (node.depth > maxDepth) return pathOf(node);
    const keys: PropertyKey[] = Array.isArray(node.value) ? [...node.value.keys()] : Object.keys(node.value);
    for (const key of keys) {
      const inner = (node.value as Record<PropertyKey, unknown>)[key];
      if (typeof inner === 'object' && inner !== null)
        stack.push({ value: inner, depth: node.depth + 1, key, parent: node });
    }
  }
  return undefined;
}
