// Shared by the simulator's tests: request fixtures, an HTTP client and image bytes.

import type { KiroGenerateRequest } from '../upstream/kiro-request.js';
import { decodeKiroStream } from '../upstream/event-stream/decode-kiro-stream.js';
import type { KiroEvent } from '../upstream/event-stream/kiro-event.js';
import type { KiroSimulator } from './kiro-simulator.js';
import type { SimAccount } from './sim-account.js';
import { buildPngHeaderOnly, jpegBase64 } from '../../test/helpers/test-images.js';
import { protocolExample } from '../../test/helpers/protocol-example.js';

/** The hand-written request of protocol §3.8, exactly. */
export const wellFormedExample = protocolExample;

/** A one-turn request. */
export function simpleRequest(content: string, modelId = 'claude-sonnet-4.5'): KiroGenerateRequest {
  return {
    conversationState: {
      chatTriggerType: 'MANUAL',
      conversationId: '5f1c2d34-9a8b-4c7d-8e6f-1a2b3c4d5e6f',
      currentMessage: { userInputMessage: { content, modelId, origin: 'AI_EDITOR' } },
    },
  };
}

export interface ChatCall {
  /** Default `/generateAssistantResponse`. */
  path?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** The bearer headers a gateway would send for this account. */
export function authHeaders(account: SimAccount): Record<string, string> {
  if (account.apiKey) return { authorization: `Bearer ${account.apiKey}`, tokentype: 'API_KEY' };
  return { authorization: `Bearer ${account.accessToken ?? ''}` };
}

export function postJson(
  simulator: KiroSimulator,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
  method = 'POST',
  signal?: AbortSignal,
): Promise<Response> {
  return fetch(`${simulator.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal,
  });
}

export function chat(
  simulator: KiroSimulator,
  account: SimAccount,
  body: unknown,
  call: ChatCall = {},
): Promise<Response> {
  return postJson(simulator, call.path ?? '/generateAssistantResponse', body, {
    ...authHeaders(account),
    ...call.headers,
  });
}

async function* bodyChunks(response: Response): AsyncGenerator<Uint8Array> {
  if (!response.body) return;
  for await (const chunk of response.body) yield chunk;
}

/** Decodes a stream response with the gateway's own decoder. */
export async function readEvents(response: Response): Promise<KiroEvent[]> {
  const events: KiroEvent[] = [];
  for await (const event of decodeKiroStream(bodyChunks(response))) events.push(event);
  return events;
}

/** The concatenated `assistantResponseEvent` text. */
export function textOf(events: readonly KiroEvent[]): string {
  return events.map((event) => (event.type === 'text' ? event.content : '')).join('');
}

export async function bodyBytes(response: Response): Promise<Uint8Array> {
  return new Uint8Array(await response.arrayBuffer());
}

/** A PNG whose header declares `width` × `height` (enough for sniffing, cheap at any size). */
export const pngBase64 = (width: number, height: number): string =>
  buildPngHeaderOnly(width, height).toString('base64');

/** A 1×1 JPEG. */
export const JPEG_1X1 = jpegBase64(1, 1);

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
