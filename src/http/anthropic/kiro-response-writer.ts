import { aggregateMessage } from '../../conversion/kiro-to-anthropic/aggregate-message.js';
import type { StreamFailure } from '../../conversion/kiro-to-anthropic/kiro-to-anthropic-translator.js';
import { KiroToAnthropicTranslator } from '../../conversion/kiro-to-anthropic/kiro-to-anthropic-translator.js';
import { patchMessageStartInputTokens } from '../../conversion/kiro-to-anthropic/patch-message-start-input-tokens.js';
import type { GatewayServices } from './gateway-services.js';
import type { AnthropicStreamEvent } from '../../protocols/anthropic/stream-events.js';
import { encodeSseEvent } from '../../protocols/anthropic/encode-sse-event.js';
import type { KiroEvent } from '../../upstream/event-stream/kiro-event.js';
import { EventStreamError } from '../../upstream/event-stream/event-stream-error.js';
import type { KiroEventStream } from '../../upstream/read-until-content.js';
import { sendJson, toAnthropicError } from '../anthropic-error-body.js';
import type { RouteContext } from '../router.js';
import { SseStream } from '../sse-stream.js';
import type { RequestOutcome } from './request-outcome.js';

export interface KiroResponseInput {
  /** The model name the client asked for (the body's `model`). */
  model: string;
  /** The Kiro model that serves it (the `x-kirogate-model` header); `useModel` changes it per attempt. */
  kiroModel: string;
  stream: boolean;
  /** Of the upstream model, for contextUsageEvent percentages. */
  contextWindow: number;
  /** The request asked for thinking (the converter injected the `<thinking>` prefix). */
  thinking: boolean;
  /** Shortened tool name → the client's original name. */
  toolNameMap: ReadonlyMap<string, string>;
  buffered: boolean;
  messageId: string;
  signal: AbortSignal;
}

export type ResponseResult = Pick<RequestOutcome, 'status' | 'firstByteAt' | 'usage' | 'error'>;

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
 * Feeds upstream event batches through the translator, handing `emit` everything one upstream
 * read produced, at once: under load, reads carry several frames and cost one write.
 */
async function pump(
  batches: AsyncIterable<KiroEvent[]>,
  translator: KiroToAnthropicTranslator,
  emit: (events: AnthropicStreamEvent[]) => Promise<void> | void,
): Promise<void> {
  for await (const events of batches) {
    if (events.length === 1) {
      await emit(translator.push(events[0]!));
      continue;
    }
    const out: AnthropicStreamEvent[] = [];
    for (const event of events) for (const translated of translator.push(event)) out.push(translated);
    await emit(out);
  }
}

/**
 * The answer to one Messages request: SSE or JSON. A stream opens (`open`) as soon as Kiro accepts,
 * so pings flow while the gateway waits for the first content; from then on every failure ends it
 * with an `error` event (`fail`), never a silent `end_turn`.
 */
export class KiroResponseWriter {
  private translatorValue: KiroToAnthropicTranslator | undefined;
  private sse: SseStream | undefined;
  private firstByteAt: number | undefined;
  private readonly held: AnthropicStreamEvent[] = [];
  private kiroModel: string;
  private contextWindow: number;

  constructor(
    private readonly services: GatewayServices,
    private readonly context: RouteContext,
    private readonly input: KiroResponseInput,
  ) {
    this.kiroModel = input.kiroModel;
    this.contextWindow = input.contextWindow;
  }

  /** The attempt Kiro accepted serves another model than the converted one (model fallback). */
  useModel(kiroModel: string, contextWindow: number): void {
    if (this.sse !== undefined || this.translatorValue !== undefined) return;
    this.kiroModel = kiroModel;
    this.contextWindow = contextWindow;
  }

  /** Whether the client already has the stream's headers (and message_start, unless buffered). */
  get isOpen(): boolean {
    return this.sse !== undefined;
  }

  /** Streaming only: sends the headers and message_start (held for `/cc/v1`). Idempotent. */
  async open(inputTokens: number): Promise<void> {
    if (!this.input.stream || this.sse !== undefined) return;
    this.sse = new SseStream(this.context.response, this.services.config().pingIntervalSeconds * 1000, {
      'request-id': this.context.requestId,
      'x-kirogate-model': this.kiroModel,
    });
    this.firstByteAt = this.services.clock.now();
    await this.emit(this.translator(inputTokens).start());
  }

  /** Streams or aggregates an answer that has begun. Never throws after headers are sent. */
  async write(upstream: KiroEventStream, inputTokens: number): Promise<ResponseResult> {
    if (!this.input.stream) return this.writeJson(upstream, inputTokens);
    await this.open(inputTokens);
    const translator = this.translator(inputTokens);
    let error: unknown;
    try {
      await pump(upstream.events, translator, (events) => this.emit(events));
      await this.emit(translator.finish());
    } catch (failure) {
      error = failure;
      if (this.input.signal.aborted || this.sse?.isClosed) {
        upstream.destroy();
        return { status: 499, firstByteAt: this.firstByteAt, usage: this.usage(), error: failure };
      }
      this.context.logger.warn(
        { error: (failure as Error).message },
        'upstream stream failed after the response began',
      );
      await this.emit(translator.fail(streamFailureOf(failure)));
    }
    await this.close();
    const failed = translator.error;
    return {
      status: 200,
      firstByteAt: this.firstByteAt,
      usage: this.usage(),
      ...(failed ? { error: error ?? failed } : {}),
    };
  }

  /** After `open`, no upstream answer came (retries exhausted, pool unavailable): an `error` event ends the stream. */
  async fail(error: unknown): Promise<ResponseResult> {
    const translator = this.translator(0);
    if (!this.input.signal.aborted && this.sse?.isClosed === false) {
      const { body } = toAnthropicError(error);
      await this.emit(translator.fail(body.error));
    }
    await this.close();
    const status = this.input.signal.aborted ? 499 : 200;
    return { status, firstByteAt: this.firstByteAt, usage: this.usage(), error };
  }

  private async writeJson(upstream: KiroEventStream, inputTokens: number): Promise<ResponseResult> {
    const translator = this.translator(inputTokens);
    const events = translator.start();
    try {
      await pump(upstream.events, translator, (out) => {
        for (const event of out) events.push(event);
      });
      events.push(...translator.finish());
    } catch (error) {
      if (this.input.signal.aborted)
        return { status: 499, firstByteAt: undefined, usage: this.usage(), error };
      events.push(...translator.fail(streamFailureOf(error)));
    }
    await this.settle();
    const message = aggregateMessage(events);
    sendJson(this.context.response, 200, message, {
      'request-id': this.context.requestId,
      'x-kirogate-model': this.kiroModel,
    });
    return { status: 200, firstByteAt: this.services.clock.now(), usage: this.usage() };
  }

  private translator(inputTokens: number): KiroToAnthropicTranslator {
    this.translatorValue ??= new KiroToAnthropicTranslator({
      messageId: this.input.messageId,
      model: this.input.model,
      inputTokens,
      contextWindow: this.contextWindow,
      thinking: this.input.thinking && (this.input.stream || this.services.config().extractThinking),
      toolNameMap: this.input.toolNameMap,
    });
    return this.translatorValue;
  }

  private usage() {
    const translator = this.translatorValue;
    return {
      inputTokens: translator?.inputTokens ?? 0,
      outputTokens: translator?.usage?.output_tokens ?? 0,
      credits: translator?.credits ?? 0,
    };
  }

  /** The output is counted once, on the tokenizer worker, when the turn has ended. */
  private async settle(): Promise<void> {
    const translator = this.translatorValue;
    if (translator?.awaitsOutputTokens)
      translator.settleOutputTokens(await this.services.tokenCounter.countText(translator.generatedText));
  }

  private async emit(events: AnthropicStreamEvent[]): Promise<void> {
    if (events.length === 0) return;
    if (this.translatorValue?.awaitsOutputTokens) await this.settle();
    if (this.input.buffered) this.held.push(...events);
    else await this.sse?.write(encodeAll(events));
  }

  private async close(): Promise<void> {
    const translator = this.translatorValue;
    if (this.input.buffered && translator !== undefined && this.held.length > 0) {
      await this.sse?.write(encodeAll(patchMessageStartInputTokens(this.held, translator.inputTokens)));
    }
    this.sse?.end();
  }
}
