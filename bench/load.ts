// The client side: one timed request through the gateway or straight to the simulator, and batches of them.

import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { decodeKiroStream } from '../src/upstream/event-stream/decode-kiro-stream.js';
import { TAG_PLACEHOLDER } from './workload.js';

export interface Sample {
  /** Request start → first body byte, ms. */
  ttfbMs: number;
  /** Request start → end of the body, ms. */
  totalMs: number;
  /** Status 200 and a complete stream (message_stop / every Kiro event decoded). */
  ok: boolean;
}

export interface Batch {
  samples: Sample[];
  /** First request start → last request end, ms. */
  wallMs: number;
}

/** Enough sockets for 500 streams at once, per origin (gateway and simulator are two origins). */
export function createClientAgent(): Agent {
  return new Agent({ connections: 1024, pipelining: 1, keepAliveTimeout: 60_000 });
}

/** The Kiro request the gateway sent, captured from the simulator, ready to be replayed directly. */
export interface DirectTarget {
  url: string;
  headers: Record<string, string>;
  /** JSON with `TAG_PLACEHOLDER` in the last user message. */
  bodyTemplate: string;
}

export interface GatewayTarget {
  url: string;
  apiKey: string;
  bodyTemplate: string;
}

export type Send = (tag: string) => Promise<Sample>;

/** Yields the body's chunks, calling `onFirst` when the first arrives. */
async function* timed(body: AsyncIterable<Uint8Array>, onFirst: () => void): AsyncGenerator<Uint8Array> {
  let first = true;
  for await (const chunk of body) {
    if (first) {
      first = false;
      onFirst();
    }
    yield chunk;
  }
}

/** POST /v1/messages; reads the SSE body to the end and checks it finished with message_stop. */
export function gatewaySender(agent: Agent, target: GatewayTarget): Send {
  const url = `${target.url}/v1/messages`;
  const headers = {
    'content-type': 'application/json',
    'x-api-key': target.apiKey,
    'anthropic-version': '2023-06-01',
  };
  return async (tag) => {
    const body = target.bodyTemplate.replaceAll(TAG_PLACEHOLDER, tag);
    const start = performance.now();
    let ttfb = Number.NaN;
    const response = await request(url, { method: 'POST', headers, body, dispatcher: agent });
    let tail = '';
    for await (const chunk of timed(response.body, () => (ttfb = performance.now()))) {
      tail = (tail + Buffer.from(chunk).toString('latin1')).slice(-200);
    }
    const end = performance.now();
    const ok = response.statusCode === 200 && tail.includes('event: message_stop');
    return { ttfbMs: ttfb - start, totalMs: end - start, ok };
  };
}

/** The same Kiro request straight to the simulator, decoded with the gateway's own decoder. */
export function directSender(agent: Agent, target: DirectTarget, expectedEvents: number): Send {
  return async (tag) => {
    const body = target.bodyTemplate.replaceAll(TAG_PLACEHOLDER, tag);
    const start = performance.now();
    let ttfb = Number.NaN;
    const response = await request(target.url, {
      method: 'POST',
      headers: target.headers,
      body,
      dispatcher: agent,
    });
    let events = 0;
    if (response.statusCode === 200) {
      for await (const event of decodeKiroStream(timed(response.body, () => (ttfb = performance.now())))) {
        if (event.type !== 'unknown') events++;
      }
    } else {
      await response.body.text();
    }
    const end = performance.now();
    return { ttfbMs: ttfb - start, totalMs: end - start, ok: events === expectedEvents };
  };
}

/** Starts `concurrency` requests at once and waits for all of them. */
export async function runBatch(
  send: Send,
  concurrency: number,
  tagOf: (index: number) => string,
): Promise<Batch> {
  const start = performance.now();
  const samples = await Promise.all(
    Array.from({ length: concurrency }, (_, index) =>
      send(tagOf(index)).catch((): Sample => ({ ttfbMs: Number.NaN, totalMs: Number.NaN, ok: false })),
    ),
  );
  return { samples, wallMs: performance.now() - start };
}
