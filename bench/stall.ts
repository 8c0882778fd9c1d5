// The stall scenario: while paced streams flow, one new request carries a large conversation the
// gateway has never seen. How much later do the other streams' chunks arrive than when the same
// scenario runs directly against the simulator, and what does the gateway's event loop report?

import type { ChildProcess } from 'node:child_process';
import { request } from 'undici';
import type { Agent } from 'undici';
import type { Sample, Send } from './load.js';
import { runBatch } from './load.js';
import { percentile } from './percentile.js';

export interface EventLoopDelay {
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

export interface StallSide {
  /** Streams that failed, over all rounds. */
  failed: number;
  gapP99: number;
  gapMax: number;
}

export interface LargeRequestCheck {
  bytes: number;
  /** Time to the first byte and to the end of its own reply, worst round, ms. */
  ttfbMs: number;
  totalMs: number;
  /** message_start.input_tokens vs count_tokens of the same body, every round. */
  inputTokens: number[];
  countTokens: number[];
  correct: boolean;
}

export interface StallFigures {
  streams: number;
  rounds: number;
  direct: StallSide;
  gateway: StallSide;
  addedGapP99: number;
  addedGapMax: number;
  /** The gateway's event-loop delay (perf_hooks.monitorEventLoopDelay), worst round, ms. */
  eventLoopDelay: EventLoopDelay;
  large: LargeRequestCheck;
}

/** One side of the scenario: the paced sender (recording gaps) and the large request it adds. */
export interface StallSideSetup {
  paced: Send;
  /** Sends round `round`'s large request; resolves with what the gateway check needs. */
  large: (round: number) => Promise<LargeReply>;
}

export interface LargeReply {
  ttfbMs: number;
  totalMs: number;
  ok: boolean;
  inputTokens?: number;
  countTokens?: number;
}

/** Asks the gateway's eld-probe (over IPC) to reset or report its histogram. */
function probe(child: ChildProcess, eld: 'reset' | 'read'): Promise<EventLoopDelay> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { eld?: string } & EventLoopDelay) => {
      if (message.eld !== eld) return;
      child.off('message', onMessage);
      clearTimeout(timer);
      resolve(message);
    };
    const timer = setTimeout(() => reject(new Error('the eld-probe did not answer')), 10_000);
    child.on('message', onMessage);
    child.send({ eld });
  });
}

async function scenario(side: StallSideSetup, streams: number, round: number, tagOf: () => string) {
  const flowing = runBatch(side.paced, streams, tagOf);
  // Let the streams get going (past their first bytes) before the large request lands.
  await new Promise((resolve) => setTimeout(resolve, 600));
  const large = await side.large(round);
  const batch = await flowing;
  return { samples: batch.samples, large };
}

const gapsOf = (samples: Sample[]) => samples.flatMap((sample) => (sample.ok ? (sample.gapsMs ?? []) : []));

export async function measureStall(
  sides: { direct: StallSideSetup; gateway: StallSideSetup },
  options: { streams: number; rounds: number; bytes: number; gateway: ChildProcess; tagOf: () => string },
): Promise<StallFigures> {
  const samples = { direct: [] as Sample[], gateway: [] as Sample[] };
  const delays: EventLoopDelay[] = [];
  const large: LargeReply[] = [];
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? (['direct', 'gateway'] as const) : (['gateway', 'direct'] as const);
    for (const name of order) {
      if (name === 'gateway') await probe(options.gateway, 'reset');
      const result = await scenario(sides[name], options.streams, round, options.tagOf);
      samples[name].push(...result.samples);
      if (name === 'gateway') {
        delays.push(await probe(options.gateway, 'read'));
        large.push(result.large);
      }
    }
  }
  const side = (all: Sample[]): StallSide => {
    const gaps = gapsOf(all);
    return {
      failed: all.filter((sample) => !sample.ok).length,
      gapP99: percentile(gaps, 99),
      gapMax: Math.max(...gaps),
    };
  };
  const direct = side(samples.direct);
  const gateway = side(samples.gateway);
  const worst = (key: keyof EventLoopDelay) => Math.max(...delays.map((delay) => delay[key]));
  const inputTokens = large.map((reply) => reply.inputTokens ?? Number.NaN);
  const countTokens = large.map((reply) => reply.countTokens ?? Number.NaN);
  return {
    streams: options.streams,
    rounds: options.rounds,
    direct,
    gateway,
    addedGapP99: gateway.gapP99 - direct.gapP99,
    addedGapMax: gateway.gapMax - direct.gapMax,
    eventLoopDelay: { p50: worst('p50'), p99: worst('p99'), max: worst('max'), mean: worst('mean') },
    large: {
      bytes: options.bytes,
      ttfbMs: Math.max(...large.map((reply) => reply.ttfbMs)),
      totalMs: Math.max(...large.map((reply) => reply.totalMs)),
      inputTokens,
      countTokens,
      correct:
        large.every((reply) => reply.ok) &&
        inputTokens.every((tokens, index) => tokens > 0 && tokens === countTokens[index]),
    },
  };
}

/**
 * The gateway's large request: streamed, its message_start.input_tokens read, then the same body
 * sent to count_tokens (the tokenizer's own count of it).
 */
export async function sendLargeThroughGateway(
  agent: Agent,
  target: { url: string; apiKey: string },
  body: string,
): Promise<LargeReply> {
  const headers = {
    'content-type': 'application/json',
    'x-api-key': target.apiKey,
    'anthropic-version': '2023-06-01',
  };
  const start = performance.now();
  let ttfbMs = Number.NaN;
  const response = await request(`${target.url}/v1/messages`, {
    method: 'POST',
    headers,
    body,
    dispatcher: agent,
  });
  let text = '';
  for await (const chunk of response.body) {
    if (Number.isNaN(ttfbMs)) ttfbMs = performance.now() - start;
    text += Buffer.from(chunk as Uint8Array).toString('utf8');
  }
  const totalMs = performance.now() - start;
  const started = /event: message_start\ndata: .*?"input_tokens":\s*(\d+)/.exec(text);
  const counted = await request(`${target.url}/v1/messages/count_tokens`, {
    method: 'POST',
    headers,
    body,
    dispatcher: agent,
  });
  const { input_tokens } = (await counted.body.json()) as { input_tokens?: number };
  return {
    ttfbMs,
    totalMs,
    ok: response.statusCode === 200 && text.includes('event: message_stop'),
    ...(started?.[1] ? { inputTokens: Number(started[1]) } : {}),
    ...(input_tokens === undefined ? {} : { countTokens: input_tokens }),
  };
}

/** The direct side's large request: the same size of text in a Kiro body, straight to the simulator. */
export async function sendLargeDirect(
  agent: Agent,
  target: { url: string; headers: Record<string, string> },
  body: string,
): Promise<LargeReply> {
  const start = performance.now();
  const response = await request(target.url, {
    method: 'POST',
    headers: target.headers,
    body,
    dispatcher: agent,
  });
  let ttfbMs = Number.NaN;
  for await (const chunk of response.body) {
    if (Number.isNaN(ttfbMs) && chunk) ttfbMs = performance.now() - start;
  }
  return { ttfbMs, totalMs: performance.now() - start, ok: response.statusCode === 200 };
}
