import type { AnthropicStreamEvent } from './stream-events.js';

// The Anthropic streaming grammar, checked one event at a time:
//   message_start (content_block_start content_block_delta* content_block_stop)* message_delta message_stop
// with `ping` anywhere after message_start and an `error` event allowed to end the stream at any
// point. Blocks are sequential (never two open), indexes count up from 0 without gaps, and a
// delta's type must suit its block.

export interface EventGrammarOptions {
  /**
   * Allow a message that ends with no content block. Anthropic itself sometimes does that; this
   * gateway never may (an empty upstream reply ends with an `error` event), so the default is false.
   */
  allowEmptyContent?: boolean;
}

type BlockType = Extract<AnthropicStreamEvent, { type: 'content_block_start' }>['content_block']['type'];
type DeltaType = Extract<AnthropicStreamEvent, { type: 'content_block_delta' }>['delta']['type'];

const DELTAS_BY_BLOCK: Record<BlockType, readonly DeltaType[]> = {
  text: ['text_delta'],
  thinking: ['thinking_delta', 'signature_delta'],
  redacted_thinking: [],
  tool_use: ['input_json_delta'],
  server_tool_use: ['input_json_delta'],
  web_search_tool_result: [],
};

const STOP_REASONS = new Set([
  'end_turn',
  'max_tokens',
  'stop_sequence',
  'tool_use',
  'pause_turn',
  'refusal',
  'model_context_window_exceeded',
]);

const USAGE_FIELDS = [
  'input_tokens',
  'output_tokens',
  'cache_creation_input_tokens',
  'cache_read_input_tokens',
];

type Phase =
  | { name: 'before-start' }
  | { name: 'blocks'; open: { index: number; type: BlockType; signed: boolean } | null }
  | { name: 'after-delta' }
  | { name: 'ended'; by: 'message_stop' | 'error' };

const isCount = (value: unknown): boolean =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0;

function usageProblems(usage: unknown, where: string): string[] {
  if (typeof usage !== 'object' || usage === null) return [`${where} has no usage`];
  const record = usage as Record<string, unknown>;
  return USAGE_FIELDS.filter((field) => !isCount(record[field])).map(
    (field) => `${where} usage.${field} is ${JSON.stringify(record[field])}, not a non-negative integer`,
  );
}

/** Incremental checker: `push()` each event, then `end()`; each returns the violations it found. */
export class AnthropicEventGrammar {
  private phase: Phase = { name: 'before-start' };
  private position = 0;
  private nextIndex = 0;
  private readonly found: string[] = [];

  constructor(private readonly options: EventGrammarOptions = {}) {}

  /** Every violation so far. */
  get violations(): readonly string[] {
    return this.found;
  }

  push(event: AnthropicStreamEvent): string[] {
    const problems = this.check(event);
    const label = `#${this.position} ${event.type}`;
    this.position += 1;
    const labelled = problems.map((problem) => `${label}: ${problem}`);
    this.found.push(...labelled);
    return labelled;
  }

  /** The stream is over: it must have ended with message_stop or an error, with no block open. */
  end(): string[] {
    const problems: string[] = [];
    if (this.phase.name === 'before-start') problems.push('end: the stream is empty');
    else if (this.phase.name !== 'ended')
      problems.push('end: the stream ended without message_stop or error');
    this.found.push(...problems);
    return problems;
  }

  private check(event: AnthropicStreamEvent): string[] {
    const phase = this.phase;
    if (phase.name === 'ended') return [`nothing may follow ${phase.by}`];
    if (event.type === 'error') {
      this.phase = { name: 'ended', by: 'error' };
      const { error } = event;
      return typeof error.type === 'string' && typeof error.message === 'string'
        ? []
        : ['error needs string error.type and error.message'];
    }
    if (phase.name === 'before-start') {
      if (event.type !== 'message_start') return ['the first event must be message_start'];
      this.phase = { name: 'blocks', open: null };
      return this.checkMessageStart(event);
    }
    switch (event.type) {
      case 'message_start':
        return ['message_start may come only once'];
      case 'ping':
        return [];
      case 'content_block_start':
        return this.checkBlockStart(event);
      case 'content_block_delta':
        return this.checkDelta(event);
      case 'content_block_stop':
        return this.checkBlockStop(event);
      case 'message_delta':
        return this.checkMessageDelta(event);
      case 'message_stop':
        this.phase = { name: 'ended', by: 'message_stop' };
        return phase.name === 'after-delta' ? [] : ['message_stop must follow message_delta'];
    }
  }

  private checkMessageStart(event: Extract<AnthropicStreamEvent, { type: 'message_start' }>): string[] {
    const { message } = event;
    const problems = usageProblems(message.usage, 'message_start');
    if (message.type !== 'message' || message.role !== 'assistant')
      problems.push('message must be an assistant message');
    if (message.content.length > 0) problems.push('message_start content must be empty');
    if (message.stop_reason !== null) problems.push('message_start stop_reason must be null');
    if (typeof message.id !== 'string' || message.id.length === 0) problems.push('message id is missing');
    return problems;
  }

  private checkBlockStart(event: Extract<AnthropicStreamEvent, { type: 'content_block_start' }>): string[] {
    if (this.phase.name !== 'blocks') return ['content_block_start after message_delta'];
    const problems: string[] = [];
    if (this.phase.open !== null) problems.push(`block ${this.phase.open.index} is still open`);
    if (event.index !== this.nextIndex) problems.push(`index ${event.index}, expected ${this.nextIndex}`);
    const block = event.content_block;
    if (!(block.type in DELTAS_BY_BLOCK)) problems.push(`unknown block type ${String(block.type)}`);
    if (block.type === 'text' && block.text !== '') problems.push('a text block must start empty');
    if (block.type === 'thinking' && block.thinking !== '')
      problems.push('a thinking block must start empty');
    if (block.type === 'tool_use') {
      if (block.id.length === 0 || block.name.length === 0) problems.push('tool_use needs an id and a name');
      if (Object.keys(block.input).length > 0) problems.push('tool_use must start with input {}');
    }
    this.nextIndex = event.index + 1;
    this.phase = { name: 'blocks', open: { index: event.index, type: block.type, signed: false } };
    return problems;
  }

  private checkDelta(event: Extract<AnthropicStreamEvent, { type: 'content_block_delta' }>): string[] {
    const open = this.phase.name === 'blocks' ? this.phase.open : null;
    if (open === null) return [`no block is open for index ${event.index}`];
    if (event.index !== open.index) return [`index ${event.index}, but block ${open.index} is open`];
    const problems: string[] = [];
    if (!DELTAS_BY_BLOCK[open.type].includes(event.delta.type)) {
      problems.push(`${event.delta.type} in a ${open.type} block`);
    }
    if (event.delta.type === 'thinking_delta' && open.signed)
      problems.push('thinking_delta after signature_delta');
    if (event.delta.type === 'signature_delta') open.signed = true;
    return problems;
  }

  private checkBlockStop(event: Extract<AnthropicStreamEvent, { type: 'content_block_stop' }>): string[] {
    const open = this.phase.name === 'blocks' ? this.phase.open : null;
    if (open === null) return [`no block is open for index ${event.index}`];
    this.phase = { name: 'blocks', open: null };
    return event.index === open.index ? [] : [`index ${event.index}, but block ${open.index} is open`];
  }

  private checkMessageDelta(event: Extract<AnthropicStreamEvent, { type: 'message_delta' }>): string[] {
    const phase = this.phase;
    if (phase.name !== 'blocks') return ['message_delta may come only once'];
    const problems = usageProblems(event.usage, 'message_delta');
    if (phase.open !== null) problems.push(`block ${phase.open.index} is still open`);
    if (!STOP_REASONS.has(event.delta.stop_reason))
      problems.push(`unknown stop_reason ${String(event.delta.stop_reason)}`);
    const { stop_sequence: stopSequence } = event.delta;
    if (stopSequence !== null && typeof stopSequence !== 'string')
      problems.push('stop_sequence must be null or a string');
    if (this.nextIndex === 0 && this.options.allowEmptyContent !== true)
      problems.push('the message has no content block');
    this.phase = { name: 'after-delta' };
    return problems;
  }
}

/** All violations of a complete event sequence; empty when it obeys the grammar. */
export function checkAnthropicEventGrammar(
  events: Iterable<AnthropicStreamEvent>,
  options?: EventGrammarOptions,
): string[] {
  const grammar = new AnthropicEventGrammar(options);
  for (const event of events) grammar.push(event);
  grammar.end();
  return [...grammar.violations];
}
