import { aggregateMessage } from '../../conversion/kiro-to-anthropic/aggregate-message.js';
import type { StreamFailure } from '../../conversion/kiro-to-anthropic/kiro-to-anthropic-translator.js';
import { KiroToAnthropicTranslator } from '../../conversion/kiro-to-anthropic/kiro-to-anthropic-translator.js';
import { patchMessageStartInputTokens } from '../../conversion/kiro-to-anthropic/patch-message-start-input-tokens.js';
import type { GatewayServices } from '../../gateway/gateway-services.js';
import type { AnthropicStreamEvent } from '../../protocols/anthropic/stream-events.js';
import { encodeSseEvent } from '../../protocols/anthropic/encode-sse-event.js';
import { countTextTokens } from '../../tokens/claude-tokenizer.js';
import { KiroEventDecoder } from '../../upstream/event-stream/kiro-event-decoder.js';
import { EventStreamError } from '../../upstream/event-stream/event-stream-error.js';
import type { KiroStreamResponse } from '../../upstream/kiro-client.js';
import { sendJson } from '../anthropic-error-body.js';
import type { RouteContext } from '../router.js';
import { SseStream } from '../sse-stream.js';
import type { RequestOutcome } from './request-outcome.js';

export interface KiroResponseInput {
  /** The model name the client asked for. */
  model: string;
  stream: boolean;
  /** Of the upstream model, for contextUsageEvent percentages. */
  contextWindow: number;
  /** The request asked for thinking (the converter injected the `<thinking>` prefix). */
  thinking: boolean;
  /** Shortened tool name → the client's original name. */
  toolNameMap: ReadonlyMap<string, string>;
  upstream: KiroStreamResponse;
  inputTokens: number;
  buffered: boolean;
  messageId: string;
  signal: AbortSignal;
}

type ResponseResult = Pick<RequestOutcome, 'status' | 'firstByteAt' | 'usage' | 'error'>;

const encodeAll = (events: AnthropicStreamEvent[]): string => events.map(encodeSseEvent).join('');

/** What the client is told when the upstream stream breaks after the response began. */
export function streamFailureOf(error: unknown): StreamFailure {
  if (error instanceof EventStreamError) {
    return {
      type: 'api_error',
      message: `the Kiro event stream was corrupt (${error.code}): ${error.message}`,
    };
  }
  const code = (error as { code?: unknown }).code;
  if (code === 'UND_ERR_BODY_TIMEOUT')
    return { type: 'timeout_error', message: 'Kiro stopped sending data (idle timeout)' };
  return {
    type: 'api_error',
    message: `the Kiro stream failed: ${(error as Error).message || String(code)}`,
  };
}

/**
 * Feeds the upstream body through the decoder and translator, handing `emit` every event one
 * upstream read produced, at once: under load, reads carry several frames and cost one write.
 */
async function pump(
  body: AsyncIterable<Uint8Array>,
  decoder: KiroEventDecoder,
  translator: KiroToAnthropicTranslator,
  emit: (events: AnthropicStreamEvent[]) => Promise<void> | void,
): Promise<void> {
  for await (const chunk of body) {
    const events = decoder.push(chunk);
    if (events.length === 1) {
      await emit(translator.push(events[0]!));
      continue;
    }
    const out: AnthropicStreamEvent[] = [];
    for (const event of events) for (const translated of translator.push(event)) out.push(translated);
    await emit(out);
  }
  decoder.end();
}

/** Streams (SSE) or aggregates (JSON) one accepted upstream response. Never throws after headers are sent. */
export async function writeKiroResponse(
  services: GatewayServices,
  context: RouteContext,
  input: KiroResponseInput,
): Promise<ResponseResult> {
  const config = services.config();
  const streaming = input.stream;
  const translator = new KiroToAnthropicTranslator({
    messageId: input.messageId,
    model: input.model,
    inputTokens: input.inputTokens,
    contextWindow: input.contextWindow,
    thinking: input.thinking && (streaming || config.extractThinking),
    toolNameMap: input.toolNameMap,
    countTokens: countTextTokens,
  });
  const usage = () => ({
    inputTokens: translator.inputTokens,
    outputTokens: translator.usage?.output_tokens ?? 0,
    credits: translator.credits,
  });

  if (!streaming) {
    const events = translator.start();
    try {
      await pump(input.upstream.body, new KiroEventDecoder(context.logger), translator, (out) => {
        for (const event of out) events.push(event);
      });
      events.push(...translator.finish());
    } catch (error) {
      if (input.signal.aborted) return { status: 499, firstByteAt: undefined, usage: usage(), error };
      events.push(...translator.fail(streamFailureOf(error)));
    }
    const message = aggregateMessage(events);
    sendJson(context.response, 200, message, { 'request-id': context.requestId });
    return { status: 200, firstByteAt: services.clock.now(), usage: usage() };
  }

  const sse = new SseStream(context.response, config.pingIntervalSeconds * 1000, {
    'request-id': context.requestId,
  });
  const firstByteAt = services.clock.now();
  const held: AnthropicStreamEvent[] = [];
  const emit = async (events: AnthropicStreamEvent[]) => {
    if (events.length === 0) return;
    if (input.buffered) held.push(...events);
    else await sse.write(encodeAll(events));
  };
  let error: unknown;
  try {
    await emit(translator.start());
    await pump(input.upstream.body, new KiroEventDecoder(context.logger), translator, emit);
    await emit(translator.finish());
  } catch (failure) {
    error = failure;
    if (input.signal.aborted || sse.isClosed) {
      input.upstream.destroy();
      return { status: 499, firstByteAt, usage: usage(), error: failure };
    }
    context.logger.warn(
      { error: (failure as Error).message },
      'upstream stream failed after the response began',
    );
    await emit(translator.fail(streamFailureOf(failure)));
  }
  if (input.buffered) await sse.write(encodeAll(patchMessageStartInputTokens(held, translator.inputTokens)));
  sse.end();
  const failed = translator.error;
  return {
    status: 200,
    firstByteAt,
    usage: usage(),
    ...(failed ? { error: error ?? failed } : {}),
  };
}
