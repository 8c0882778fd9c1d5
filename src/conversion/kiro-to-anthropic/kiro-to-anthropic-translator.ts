import type { AnthropicStreamEvent, StopReason, Usage } from '../../protocols/anthropic/stream-events.js';
import type { AnthropicErrorType } from '../../shared/errors.js';
import type { KiroEvent } from '../../upstream/event-stream/kiro-event.js';
import type { KiroStreamFailureEvent } from './classify-stream-exception.js';
import { classifyStreamException } from './classify-stream-exception.js';
import { ConsecutiveDuplicateFilter } from './consecutive-duplicate-filter.js';
import { ContentBlockWriter } from './content-block-writer.js';
import type { ThinkingBoundary, ThinkingSegment } from './thinking-extractor.js';
import { ThinkingExtractor } from './thinking-extractor.js';
import type { KiroToolUseEvent, ToolCallFailure } from './tool-call-accumulator.js';
import { ToolCallAccumulator } from './tool-call-accumulator.js';
import { formatToolCallNotice, THINKING_ONLY_PLACEHOLDER } from './tool-call-notice.js';

export interface KiroToAnthropicOptions {
  messageId: string;
  /** The model name the client asked for. */
  model: string;
  /** Local estimate of the prompt tokens, sent in message_start. */
  inputTokens: number;
  /** Context window of the upstream model, for contextUsageEvent percentages. */
  contextWindow: number;
  /** Extract `<thinking>` from the text (the client asked for thinking and the prefix was injected). */
  thinking: boolean;
  /** Shortened tool name → the client's original name. */
  toolNameMap: ReadonlyMap<string, string>;
  /**
   * Counts the output when the turn ends. Without it, usage carries a provisional output count
   * until the caller, having counted `generatedText` elsewhere, calls `settleOutputTokens`.
   */
  countTokens?: (text: string) => number;
}

/** What the client is told when Kiro's answer held no text, tool call or thinking. */
export const EMPTY_ANSWER_MESSAGE = 'Kiro returned an empty answer (no text, tool call or thinking)';

export interface StreamFailure {
  type: AnthropicErrorType;
  message: string;
}

type Phase =
  | { name: 'streaming' }
  /** ContentLengthExceeded after content: content is ignored until the body ends. */
  | { name: 'context-exceeded' }
  | { name: 'finished'; stopReason: StopReason }
  | { name: 'failed'; error: StreamFailure };

/**
 * Kiro events → Anthropic stream events, as a synchronous reducer: `start()` once, `push()` per
 * upstream event, then exactly one of `finish()` (end of body) or `fail()` (upstream failure).
 * Every output sequence obeys the Anthropic event grammar.
 */
export class KiroToAnthropicTranslator {
  private phase: Phase = { name: 'streaming' };
  private readonly blocks = new ContentBlockWriter();
  private readonly tools = new ToolCallAccumulator();
  private readonly duplicates = new ConsecutiveDuplicateFilter();
  private readonly extractor: ThinkingExtractor | undefined;
  private readonly failures: ToolCallFailure[] = [];
  /** Model output (text, thinking, tool JSON, dropped tool input); tokenized once, at the end. */
  private readonly generated: string[] = [];
  private finalUsage: Usage | undefined;
  private creditsUsed = 0;
  private percentage: number | undefined;
  private outputSettled = false;

  constructor(private readonly options: KiroToAnthropicOptions) {
    this.extractor = options.thinking ? new ThinkingExtractor() : undefined;
  }

  /** Everything the model generated, to count output tokens with. */
  get generatedText(): string {
    return this.generated.join('');
  }

  /** True once the turn ended and its usage still waits for `settleOutputTokens`. */
  get awaitsOutputTokens(): boolean {
    return this.finalUsage !== undefined && !this.outputSettled;
  }

  /** Puts the output count into the final usage, in place: the message_delta already emitted carries it. */
  settleOutputTokens(count: number): void {
    const usage = this.finalUsage;
    if (usage === undefined) return;
    usage.output_tokens = Math.max(1, count);
    usage.input_tokens = this.inputTokensGiven(usage.output_tokens);
    this.outputSettled = true;
  }

  /** Final usage, once `finish()` or `fail()` ran. */
  get usage(): Usage | undefined {
    return this.finalUsage;
  }

  /** The final prompt token count (from contextUsageEvent when present), for patching message_start. */
  get inputTokens(): number {
    return this.finalUsage?.input_tokens ?? this.options.inputTokens;
  }

  get stopReason(): StopReason | null {
    return this.phase.name === 'finished' ? this.phase.stopReason : null;
  }

  get error(): StreamFailure | undefined {
    return this.phase.name === 'failed' ? this.phase.error : undefined;
  }

  /** Sum of meteringEvent credits. */
  get credits(): number {
    return this.creditsUsed;
  }

  get contextUsagePercentage(): number | undefined {
    return this.percentage;
  }

  /** Tool calls that were dropped (truncated, invalid JSON, no name) and reported in a notice. */
  get toolCallFailures(): readonly ToolCallFailure[] {
    return this.failures;
  }

  start(): AnthropicStreamEvent[] {
    const { messageId, model, inputTokens } = this.options;
    return [
      {
        type: 'message_start',
        message: {
          id: messageId,
          type: 'message',
          role: 'assistant',
          content: [],
          model,
          stop_reason: null,
          stop_sequence: null,
          usage: {
            input_tokens: inputTokens,
            output_tokens: 1,
            cache_creation_input_tokens: 0,
            cache_read_input_tokens: 0,
          },
        },
      },
    ];
  }

  push(event: KiroEvent): AnthropicStreamEvent[] {
    const out: AnthropicStreamEvent[] = [];
    switch (event.type) {
      case 'metering':
        this.creditsUsed += event.usage;
        break;
      case 'contextUsage':
        // 0 is what a payload without the field decodes to: no information.
        if (event.percentage > 0) this.percentage = event.percentage;
        break;
      case 'text':
        if (this.phase.name === 'streaming') this.onText(event.content, out);
        break;
      case 'toolUse':
        if (this.phase.name === 'streaming') this.onToolUse(event, out);
        break;
      case 'reasoning':
        if (this.phase.name === 'streaming') this.onReasoning(event, out);
        break;
      case 'exception':
      case 'error':
        if (this.phase.name === 'streaming') this.onFailureEvent(event, out);
        break;
      case 'tokenUsage':
      case 'ignored':
      case 'unknown':
        break;
    }
    return out;
  }

  /**
   * The upstream body ended: flush, report dropped tool calls, then message_delta and message_stop.
   * A reply with nothing in it ends with an `error` event: never a made-up assistant message.
   */
  finish(): AnthropicStreamEvent[] {
    const out: AnthropicStreamEvent[] = [];
    if (this.phase.name === 'finished' || this.phase.name === 'failed') return out;
    this.flushText('end', out);
    for (const failure of this.tools.drainUnfinished()) this.recordFailure(failure);
    if (this.failures.length > 0) {
      this.blocks.close(out);
      this.blocks.text(
        formatToolCallNotice(this.failures, (name) => this.displayName(name)),
        out,
      );
    }
    const thinkingOnly =
      this.blocks.count('thinking') + this.blocks.count('redacted_thinking') > 0 &&
      this.blocks.count('text') === 0 &&
      this.blocks.count('tool_use') === 0;
    if (this.blocks.blockCount === 0) {
      out.push(...this.fail({ type: 'api_error', message: EMPTY_ANSWER_MESSAGE }));
      return out;
    }
    if (thinkingOnly) this.blocks.text(THINKING_ONLY_PLACEHOLDER, out);
    this.blocks.close(out);
    const stopReason = this.decideStopReason(thinkingOnly);
    const usage = this.computeUsage();
    out.push(
      { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage },
      { type: 'message_stop' },
    );
    this.phase = { name: 'finished', stopReason };
    return out;
  }

  /** An upstream failure after `start()`: closes the open block and ends the stream with an `error` event. */
  fail(error: StreamFailure): AnthropicStreamEvent[] {
    const out: AnthropicStreamEvent[] = [];
    if (this.phase.name === 'finished' || this.phase.name === 'failed') return out;
    this.blocks.close(out);
    out.push({ type: 'error', error: { type: error.type, message: error.message } });
    this.computeUsage();
    this.phase = { name: 'failed', error };
    return out;
  }

  private onText(content: string, out: AnthropicStreamEvent[]): void {
    if (content.length === 0 || this.duplicates.isDuplicate({ type: 'text', content })) return;
    if (this.extractor === undefined) {
      this.emitText(content, out);
      return;
    }
    for (const segment of this.extractor.push(content)) this.applySegment(segment, out);
  }

  private onToolUse(event: KiroToolUseEvent, out: AnthropicStreamEvent[]): void {
    if (this.duplicates.isDuplicate(event)) return;
    this.flushText('tool', out);
    const outcome = this.tools.push(event);
    if (outcome === undefined) return;
    if (outcome.kind === 'failed') {
      this.recordFailure(outcome.failure);
      return;
    }
    const { id, name, json } = outcome.call;
    this.blocks.toolUse(id, this.toolNameMapped(name), json, out);
    this.generated.push(json);
  }

  private onReasoning(event: Extract<KiroEvent, { type: 'reasoning' }>, out: AnthropicStreamEvent[]): void {
    this.duplicates.reset();
    if (event.redactedContent !== undefined && event.redactedContent.length > 0) {
      this.blocks.redactedThinking(event.redactedContent, out);
    }
    if (event.text.length > 0) {
      this.blocks.thinking(event.text, out);
      this.generated.push(event.text);
    }
    if (event.signature !== undefined && event.signature.length > 0) {
      this.blocks.thinkingSignature(event.signature, out);
    }
  }

  private onFailureEvent(event: KiroStreamFailureEvent, out: AnthropicStreamEvent[]): void {
    const action = classifyStreamException(event);
    if (action.kind === 'error') {
      out.push(...this.fail({ type: action.type, message: action.message }));
      return;
    }
    // Context full. Before any content this is the prompt's fault: Claude Code compacts on this message.
    this.flushText('end', out);
    if (this.blocks.blockCount === 0) {
      out.push(
        ...this.fail({ type: 'invalid_request_error', message: `prompt is too long: ${action.message}` }),
      );
      return;
    }
    this.blocks.close(out);
    this.phase = { name: 'context-exceeded' };
  }

  /** The model did generate the dropped input: it counts as output (and against the context). */
  private recordFailure(failure: ToolCallFailure): void {
    this.failures.push(failure);
    this.generated.push(failure.received);
  }

  private flushText(boundary: ThinkingBoundary, out: AnthropicStreamEvent[]): void {
    if (this.extractor === undefined) return;
    for (const segment of this.extractor.flush(boundary)) this.applySegment(segment, out);
  }

  private applySegment(segment: ThinkingSegment, out: AnthropicStreamEvent[]): void {
    switch (segment.kind) {
      case 'text':
        this.emitText(segment.text, out);
        break;
      case 'thinking':
        this.blocks.thinking(segment.text, out);
        this.generated.push(segment.text);
        break;
      case 'thinking-end':
        if (this.blocks.openKind === 'thinking') this.blocks.close(out);
        break;
    }
  }

  private emitText(text: string, out: AnthropicStreamEvent[]): void {
    this.blocks.text(text, out);
    this.generated.push(text);
  }

  private decideStopReason(thinkingOnly: boolean): StopReason {
    if (this.phase.name === 'context-exceeded') return 'model_context_window_exceeded';
    if (this.percentage !== undefined && this.percentage >= 100) return 'model_context_window_exceeded';
    if (this.failures.length > 0 || thinkingOnly) return 'max_tokens';
    return this.blocks.count('tool_use') > 0 ? 'tool_use' : 'end_turn';
  }

  /**
   * Output: the Claude tokenizer over everything generated, once. Input: from contextUsageEvent,
   * whose percentage covers input and output (§4.8), else the request estimate.
   */
  private computeUsage(): Usage {
    const count = this.options.countTokens;
    const outputTokens = Math.max(1, count ? count(this.generatedText) : 1);
    this.outputSettled = count !== undefined;
    this.finalUsage = {
      input_tokens: this.inputTokensGiven(outputTokens),
      output_tokens: outputTokens,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    };
    return this.finalUsage;
  }

  private inputTokensGiven(outputTokens: number): number {
    return this.percentage === undefined
      ? this.options.inputTokens
      : Math.max(0, Math.round((this.percentage * this.options.contextWindow) / 100) - outputTokens);
  }

  private toolNameMapped(name: string): string {
    return this.options.toolNameMap.get(name) ?? name;
  }

  private displayName(name: string | undefined): string | undefined {
    return name === undefined ? undefined : this.toolNameMapped(name);
  }
}
