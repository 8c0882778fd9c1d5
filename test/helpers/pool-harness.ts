// Shared utilities for the credential-pool e2e tests (test/e2e/pool-*.test.ts).
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { CredentialEntry } from '../../src/credentials/credential-entry.js';
import type { AddAccountOptions } from '../../src/simulator/sim-account.js';
import type { ConfigFile } from '../../src/config/config-schema.js';
import type { Stack } from './start-stack.js';
import { startStack } from './start-stack.js';
import { parseSse } from './parse-sse.js';
import type { SseMessage } from './parse-sse.js';

export const SONNET = 'claude-sonnet-4-6';
export const OPUS = 'claude-opus-4-6';

/** `count` social accounts `acct-1`…; credentials.json gives them gateway ids 1… in the same order. */
export function socialAccounts(count: number, extra: Partial<AddAccountOptions> = {}): AddAccountOptions[] {
  return Array.from({ length: count }, (_, index) => ({
    id: `acct-${index + 1}`,
    authMethod: 'social' as const,
    ...extra,
  }));
}

/** The simulator account behind gateway credential `id`. */
export const simId = (id: number): string => `acct-${id}`;

export interface MessageOptions {
  model?: string;
  /** Claude Code style `metadata.user_id` carrying this session id. */
  session?: string;
  stream?: boolean;
  maxTokens?: number;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON body (non-streaming) or undefined. */
  json: unknown;
  /** Parsed SSE messages (streaming) or []. */
  events: SseMessage[];
}

/** POST /v1/messages with plain fetch, so error statuses and headers can be inspected. */
export async function postMessage(
  stack: Stack,
  text: string,
  options: MessageOptions = {},
): Promise<RawResponse> {
  const body = {
    model: options.model ?? SONNET,
    max_tokens: options.maxTokens ?? 64,
    messages: [{ role: 'user', content: text }],
    ...(options.stream ? { stream: true } : {}),
    ...(options.session
      ? { metadata: { user_id: `user_${'a'.repeat(64)}_account__session_${options.session}` } }
      : {}),
  };
  const response = await fetch(`${stack.url}/v1/messages`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-api-key': stack.apiKey,
      'anthropic-version': '2023-06-01',
    },
    body: JSON.stringify(body),
  });
  const raw = await response.text();
  const isSse = (response.headers.get('content-type') ?? '').includes('text/event-stream');
  return {
    status: response.status,
    headers: response.headers,
    json: isSse || raw === '' ? undefined : (JSON.parse(raw) as unknown),
    events: isSse ? parseSse(raw) : [],
  };
}

/** Sends `count` requests at once and returns their statuses. */
export async function burst(
  stack: Stack,
  count: number,
  options: MessageOptions = {},
  text = (index: number) => `request ${index}`,
): Promise<number[]> {
  const responses = await Promise.all(
    Array.from({ length: count }, (_, index) => postMessage(stack, text(index), options)),
  );
  return responses.map((response) => response.status);
}

/** Chat requests the simulator attributed to each account (only authenticated ones). */
export function chatCounts(stack: Stack): Record<string, number> {
  return stack.sim.stats.chatByAccount;
}

export function entry(stack: Stack, id: number): CredentialEntry {
  const found = stack.gateway.services.pool.get(id);
  if (!found) throw new Error(`no credential #${id} in the pool`);
  return found;
}

/** Fetches getUsageLimits for every account (tier, balance, next reset). */
export async function refreshAllUsage(stack: Stack): Promise<void> {
  const { pool, accounts } = stack.gateway.services;
  await Promise.all(pool.list().map((candidate) => accounts.refreshUsage(candidate)));
}

/** One request per account so every account holds an access token (no refresh in what follows). */
export async function warmUp(stack: Stack): Promise<void> {
  const { pool } = stack.gateway.services;
  await Promise.all(pool.list().map((candidate) => stack.gateway.services.tokens.getAccessToken(candidate)));
}

/** Records transient backoff delays instead of sleeping them (real HTTP, no real waiting). */
export function recordBackoff(stack: Stack): number[] {
  const delays: number[] = [];
  stack.gateway.services.dispatch.wait = (ms) => {
    delays.push(ms);
    return Promise.resolve();
  };
  return delays;
}

/** `count` warmed-up social accounts in priority mode (the first serves while it can), backoff recorded. */
export async function startPriorityPool(count: number, config: Partial<ConfigFile> = {}): Promise<Stack> {
  const stack = await startStack({
    accounts: socialAccounts(count),
    config: { loadBalancingMode: 'priority', ...config },
  });
  recordBackoff(stack);
  await warmUp(stack);
  return stack;
}

/** Polls until `check` passes (background work such as a usage refresh or a file reload). */
export async function eventually(check: () => void | Promise<void>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

/** A seeded uniform generator in [0, 1) (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type FileEntry = Record<string, unknown>;

/** Replaces a file the way editors do (write a temporary file, rename it over). */
export async function replaceFile(path: string, text: string): Promise<void> {
  await writeFile(`${path}.tmp`, text, { mode: 0o600 });
  await rename(`${path}.tmp`, path);
}

export async function readCredentialEntries(stack: Stack): Promise<FileEntry[]> {
  return JSON.parse(await readFile(stack.credentialsPath, 'utf8')) as FileEntry[];
}

/** A hand edit of credentials.json. */
export async function editCredentials(
  stack: Stack,
  change: (entries: FileEntry[]) => FileEntry[],
): Promise<void> {
  const entries = change(await readCredentialEntries(stack));
  await replaceFile(stack.credentialsPath, `${JSON.stringify(entries, null, 2)}\n`);
}
