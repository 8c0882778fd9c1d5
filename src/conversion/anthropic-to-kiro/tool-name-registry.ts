import { createHash } from 'node:crypto';
import type { AnthropicMessagesRequest } from '../../protocols/anthropic/messages-request.js';

/** kiro.rs keeps names ≤ 63 characters; the upstream rejects names over 64 (protocol §3.3, gotcha 6). */
export const MAX_TOOL_NAME_LENGTH = 63;
const PREFIX_LENGTH = 54;

export interface ToolNameRegistry {
  /** The name sent upstream: the original, or a deterministic short form for a long name. */
  toKiro(name: string): string;
  /** Short name → original, for the response translator. */
  readonly toolNameMap: ReadonlyMap<string, string>;
}

/**
 * Long names become the first 54 characters + `_` + the first 8 hex of SHA-256(name) = 63 characters.
 * Short forms never collide (case-insensitively, as the upstream compares) with another name in `names`
 * or with each other: on a clash the hash input gets a `#n` counter.
 */
export function createToolNameRegistry(names: Iterable<string>): ToolNameRegistry {
  const taken = new Set<string>();
  const shortByOriginal = new Map<string, string>();
  const toolNameMap = new Map<string, string>();
  const all = [...names];
  for (const name of all) if (name.length <= MAX_TOOL_NAME_LENGTH) taken.add(name.toLowerCase());

  const toKiro = (name: string): string => {
    if (name.length <= MAX_TOOL_NAME_LENGTH) return name;
    const known = shortByOriginal.get(name);
    if (known !== undefined) return known;
    let short = shorten(name, name);
    for (let attempt = 1; taken.has(short.toLowerCase()); attempt += 1)
      short = shorten(name, `${name}#${attempt}`);
    taken.add(short.toLowerCase());
    shortByOriginal.set(name, short);
    toolNameMap.set(short, name);
    return short;
  };
  for (const name of all) toKiro(name);
  return { toKiro, toolNameMap };
}

function shorten(name: string, hashInput: string): string {
  const hash = createHash('sha256').update(hashInput).digest('hex').slice(0, 8);
  return `${name.slice(0, PREFIX_LENGTH)}_${hash}`;
}

/** Every tool name the request mentions: declared tools first, then tool_use blocks in message order. */
export function collectToolNames(request: AnthropicMessagesRequest): string[] {
  const names: string[] = [];
  for (const tool of request.tools ?? []) names.push(tool.name);
  for (const message of request.messages) {
    if (typeof message.content === 'string') continue;
    for (const block of message.content) {
      const name = (block as { name?: unknown }).name;
      if (block.type === 'tool_use' && typeof name === 'string') names.push(name);
    }
  }
  return names;
}
