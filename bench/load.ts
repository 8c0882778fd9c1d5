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
  /** Times between consecutive body chunks, ms (only from senders asked to record them). */
  gapsMs?: number[];
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

/** When the body's chunks arrived: the first (TTFB), and the gaps between them if asked. */
class ChunkClock {
  first = Number.NaN;
  private last = Number.NaN;
  readonly gaps: number[] | undefined;

  constructor(recordGaps: boolean) {
    this.gaps = recordGaps ? [] : undefined;
  }

  /** Yields the body's chunks, noting each arrival. */
  async *timed(body: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const chunk of body) {
      const now = performance.now();
      if (Number.isNaN(this.first)) this.first = now;
      else this.gaps?.push(now - this.last);
      this.last = now;
      yield chunk;
    }
  }

  sample(start: number, ok: boolean): Sample {
    const sample: Sample = { ttfbMs: this.first - start, totalMs: performance.now() - start, ok };
    if (this.gaps) sample.gapsMs = this.gaps;
    return sample;
  }
}

/** POST /v1/messages; reads the SSE body to the end and checks it finished with message_stop. */
export function gatewaySender(agent: Agent, target: GatewayTarget, recordGaps = false): Send {
  const url = `${target.url}/v1/messages`;
  const headers = {
    'content-type': 'application/json',
    'x-api-key': target.apiKey,
    'anthropic-version': '2023-06-01',
  };
  return async (tag) => {
    const body = target.bodyTemplate.replaceAll(TAG_PLACEHOLDER, tag);
    const start = performance.now();
    const clock = new ChunkClock(recordGaps);
    const response = await request(url, { method: 'POST', headers, body, dispatcher: agent });
    let tail = '';
    for await (const chunk of clock.timed(response.body)) {
      tail = (tail + Buffer.from(chunk).toString('latin1')).slice(-200);
    }
    return clock.sample(start, response.statusCode === 200 && tail.includes('event: message_stop'));
  };
}

/** The same Kiro request straight to the simulator, decoded with the gateway's own decoder. */
export function directSender(
  agent: Agent,
  target: DirectTarget,
  expectedEvents: number,
  recordGaps = false,
): Send {
  return async (tag) => {
    const body = target.bodyTemplate.replaceAll(TAG_PLACEHOLDER, tag);
    const start = performance.now();
    const clock = new ChunkClock(recordGaps);
    const response = await request(target.url, {
      method: 'POST',
      headers: target.headers,
      body,
      dispatcher: agent,
    });
    let events = 0;
    if (response.statusCode === 200) {
      for await (const event of decodeKiroStream(clock.timed(response.body))) {
        if (event.type !== 'unknown') events++;
      }
    } else {
      await response.body.text();
    }
    return clock.sample(start, events === expectedEvents);
  };
}

/** What a closed loop did. */
export interface LoopResult {
  completed: number;
  failed: number;
  wallMs: number;
}

/**
 * A closed loop: `concurrency` workers each send the next request as soon as theirs ended, until
 * `durationMs` passed or `maxRequests` were started; waits for the last ones to end.
 */
export async function runClosedLoop(
  send: Send,
  concurrency: number,
  tagOf: () => string,
  limits: { durationMs: number; maxRequests: number },
): Promise<LoopResult> {
  const start = performance.now();
  let started = 0;
  let completed = 0;
  let failed = 0;
  const worker = async () => {
    while (performance.now() - start < limits.durationMs && started < limits.maxRequests) {
      started++;
      const sample = await send(tagOf()).catch(() => undefined);
      if (sample?.ok) completed++;
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { completed, failed, wallMs: performance.now() - start };
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
