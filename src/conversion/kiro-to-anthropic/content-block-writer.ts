import type { AnthropicStreamEvent } from '../../protocols/anthropic/stream-events.js';

/** The one block that may be open: Anthropic streams blocks strictly one after another. */
type OpenBlock =
  | { kind: 'text'; index: number }
  | {
      kind: 'thinking';
      index: number;
      /**
       * Sent as `signature_delta` right before the block stops, as Anthropic does; some clients
       * drop a thinking block that never got one. Native reasoning carries its real signature;
       * emulated `<thinking>` gets "" (nothing to sign, and a forged value would fail if the
       * history ever reached Anthropic).
       */
      signature: string;
    };

export type BlockKind = 'text' | 'thinking' | 'redacted_thinking' | 'tool_use';

/**
 * Emits content blocks with contiguous indexes, opening text and thinking blocks lazily and
 * closing the open one before any other starts. Tool blocks are written whole (start, delta, stop).
 */
export class ContentBlockWriter {
  private open: OpenBlock | null = null;
  private nextIndex = 0;
  private readonly counts: Record<BlockKind, number> = {
    text: 0,
    thinking: 0,
    redacted_thinking: 0,
    tool_use: 0,
  };

  get blockCount(): number {
    return this.nextIndex;
  }

  count(kind: BlockKind): number {
    return this.counts[kind];
  }

  get openKind(): OpenBlock['kind'] | undefined {
    return this.open?.kind;
  }

  text(text: string, out: AnthropicStreamEvent[]): void {
    if (text.length === 0) return;
    const block = this.open?.kind === 'text' ? this.open : this.startText(out);
    out.push({ type: 'content_block_delta', index: block.index, delta: { type: 'text_delta', text } });
  }

  thinking(thinking: string, out: AnthropicStreamEvent[]): void {
    if (thinking.length === 0) return;
    const block = this.open?.kind === 'thinking' ? this.open : this.startThinking(out);
    out.push({
      type: 'content_block_delta',
      index: block.index,
      delta: { type: 'thinking_delta', thinking },
    });
  }

  /** Records the signature of the open thinking block, opening an empty one if none is open. */
  thinkingSignature(signature: string, out: AnthropicStreamEvent[]): void {
    const block = this.open?.kind === 'thinking' ? this.open : this.startThinking(out);
    block.signature = signature;
  }

  redactedThinking(data: string, out: AnthropicStreamEvent[]): void {
    this.close(out);
    const index = this.allocate('redacted_thinking');
    out.push({ type: 'content_block_start', index, content_block: { type: 'redacted_thinking', data } });
    out.push({ type: 'content_block_stop', index });
  }

  toolUse(id: string, name: string, json: string, out: AnthropicStreamEvent[]): void {
    this.close(out);
    const index = this.allocate('tool_use');
    out.push({
      type: 'content_block_start',
      index,
      content_block: { type: 'tool_use', id, name, input: {} },
    });
    out.push({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: json } });
    out.push({ type: 'content_block_stop', index });
  }

  /** Closes the open block; a thinking block gets its `signature_delta` first. */
  close(out: AnthropicStreamEvent[]): void {
    const block = this.open;
    if (block === null) return;
    if (block.kind === 'thinking') {
      out.push({
        type: 'content_block_delta',
        index: block.index,
        delta: { type: 'signature_delta', signature: block.signature },
      });
    }
    out.push({ type: 'content_block_stop', index: block.index });
    this.open = null;
  }

  private startText(out: AnthropicStreamEvent[]): OpenBlock {
    this.close(out);
    const block: OpenBlock = { kind: 'text', index: this.allocate('text') };
    out.push({ type: 'content_block_start', index: block.index, content_block: { type: 'text', text: '' } });
    this.open = block;
    return block;
  }

  private startThinking(out: AnthropicStreamEvent[]): OpenBlock & { kind: 'thinking' } {
    this.close(out);
    const block = { kind: 'thinking' as const, index: this.allocate('thinking'), signature: '' };
    out.push({
      type: 'content_block_start',
      index: block.index,
      content_block: { type: 'thinking', thinking: '', signature: '' },
    });
    this.open = block;
    return block;
  }

  private allocate(kind: BlockKind): number {
    this.counts[kind] += 1;
    return this.nextIndex++;
  }
}
