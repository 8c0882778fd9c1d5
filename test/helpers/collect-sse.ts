// Raw-HTTP helpers for e2e tests: post to the gateway with plain fetch, read the SSE byte stream,
// parse it and check it against the Anthropic event grammar.

import type { AnthropicStreamEvent } from '../../src/protocols/anthropic/stream-events.js';
import { checkAnthropicEventGrammar } from '../../src/protocols/anthropic/event-grammar.js';
import type { SseMessage } from './parse-sse.js';
import { SseParser } from './parse-sse.js';
import type { Stack } from './start-stack.js';

export interface PostOptions {
  /** Default `/v1/messages`. */
  path?: string;
  /** Replaces the default `x-api-key` auth when it sets `x-api-key` or `authorization`. */
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface SseResult {
  status: number;
  headers: Headers;
  /** Every SSE message, pings included, in arrival order. */
  messages: SseMessage[];
  events: AnthropicStreamEvent[];
  /** Grammar violations plus `event:` names that disagree with `data.type`; [] for a valid stream. */
  violations: string[];
}

export interface JsonResult {
  status: number;
  headers: Headers;
  body: unknown;
}

function requestHeaders(stack: Stack, extra: Record<string, string> = {}): Record<string, string> {
  const hasAuth = Object.keys(extra).some((name) => ['x-api-key', 'authorization'].includes(name));
  return {
    'content-type': 'application/json',
    'anthropic-version': '2023-06-01',
    ...(hasAuth ? {} : { 'x-api-key': stack.apiKey }),
    ...extra,
  };
}

/** POSTs a JSON body (a string is sent as is) and returns the raw fetch response. */
export function post(stack: Stack, body: unknown, options: PostOptions = {}): Promise<Response> {
  return fetch(`${stack.url}${options.path ?? '/v1/messages'}`, {
    method: 'POST',
    headers: requestHeaders(stack, options.headers),
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/** POSTs and parses the JSON answer (errors included). */
export async function postJson(stack: Stack, body: unknown, options: PostOptions = {}): Promise<JsonResult> {
  const response = await post(stack, body, options);
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === '' ? undefined : JSON.parse(text),
  };
}

/** GETs a gateway path with the API key and parses the JSON answer. */
export async function getJson(stack: Stack, path: string): Promise<JsonResult> {
  const response = await fetch(`${stack.url}${path}`, { headers: requestHeaders(stack) });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

/**
 * Parsed messages → events, checked against the grammar and the `event:` names. The buffered
 * Claude Code variant (`/cc/v1`) pings while it waits for the upstream, before message_start (the
 * SDKs skip pings); `leadingPings` lets those through and checks the rest.
 */
export function checkMessages(
  messages: SseMessage[],
  { leadingPings = false }: { leadingPings?: boolean } = {},
): Pick<SseResult, 'events' | 'violations'> {
  const events = messages.map((message) => message.data as AnthropicStreamEvent);
  const firstNonPing = events.findIndex((event) => event.type !== 'ping');
  const checked = leadingPings && firstNonPing > 0 ? events.slice(firstNonPing) : events;
  const names = messages
    .filter((message) => message.event !== (message.data as { type?: unknown } | null)?.type)
    .map(
      (message) =>
        `event: ${message.event} carries data of type ${String((message.data as { type?: unknown }).type)}`,
    );
  return { events, violations: [...names, ...checkAnthropicEventGrammar(checked)] };
}

/** Reads an SSE response to its end (chunks split anywhere) and checks it. */
export async function readSse(response: Response, { leadingPings = false } = {}): Promise<SseResult> {
  const parser = new SseParser();
  const messages: SseMessage[] = [];
  const decoder = new TextDecoder();
  const reader = response.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    messages.push(...parser.push(decoder.decode(value, { stream: true })));
  }
  messages.push(...parser.push(decoder.decode()), ...parser.end());
  return {
    status: response.status,
    headers: response.headers,
    messages,
    ...checkMessages(messages, { leadingPings }),
  };
}

/** POSTs a streaming request (`stream: true` is forced) and collects the whole SSE stream. */
export async function collectSse(
  stack: Stack,
  body: Record<string, unknown>,
  options: PostOptions = {},
): Promise<SseResult> {
  const response = await post(stack, { ...body, stream: true }, options);
  if (!(response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    throw new Error(`expected an SSE answer, got ${response.status}: ${await response.text()}`);
  }
  return readSse(response, { leadingPings: (options.path ?? '').startsWith('/cc/') });
}

type EventOf<T extends AnthropicStreamEvent['type']> = Extract<AnthropicStreamEvent, { type: T }>;

export function eventsOfType<T extends AnthropicStreamEvent['type']>(
  events: readonly AnthropicStreamEvent[],
  type: T,
): EventOf<T>[] {
  return events.filter((event): event is EventOf<T> => event.type === type);
}

export function messageStart(events: readonly AnthropicStreamEvent[]): EventOf<'message_start'> {
  return eventsOfType(events, 'message_start')[0]!;
}

export function messageDelta(events: readonly AnthropicStreamEvent[]): EventOf<'message_delta'> {
  return eventsOfType(events, 'message_delta')[0]!;
}

/** All text_delta text, in order. */
export function streamedText(events: readonly AnthropicStreamEvent[]): string {
  return eventsOfType(events, 'content_block_delta')
    .map((event) => (event.delta.type === 'text_delta' ? event.delta.text : ''))
    .join('');
}

/** All thinking_delta text, in order. */
export function streamedThinking(events: readonly AnthropicStreamEvent[]): string {
  return eventsOfType(events, 'content_block_delta')
    .map((event) => (event.delta.type === 'thinking_delta' ? event.delta.thinking : ''))
    .join('');
}

/** The content block types, in index order. */
export function blockTypes(events: readonly AnthropicStreamEvent[]): string[] {
  return eventsOfType(events, 'content_block_start').map((event) => event.content_block.type);
}
