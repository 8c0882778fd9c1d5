import type { KiroEvent } from '../../upstream/event-stream/kiro-event.js';
import { resolveToolInput } from './resolve-tool-input.js';

export type KiroToolUseEvent = Extract<KiroEvent, { type: 'toolUse' }>;

export interface CompleteToolCall {
  id: string;
  /** The name as the upstream sent it (possibly shortened). */
  name: string;
  /** The complete arguments: a JSON object text. */
  json: string;
}

export type ToolCallFailureReason = 'truncated' | 'invalid-json' | 'missing-name';

/** A tool call that must not reach the client as a tool_use. */
export interface ToolCallFailure {
  id: string;
  name: string | undefined;
  reason: ToolCallFailureReason;
  /** The concatenated input fragments received. */
  received: string;
}

export type ToolCallOutcome =
  { kind: 'complete'; call: CompleteToolCall } | { kind: 'failed'; failure: ToolCallFailure };

interface ToolCallDraft {
  id: string;
  name: string | undefined;
  fragments: string[];
}

/** Buffers fragments per toolUseId until `stop: true`; calls never stopped are reported as truncated. */
export class ToolCallAccumulator {
  private readonly drafts = new Map<string, ToolCallDraft>();
  /** Ids already finished: late repeats of their events are ignored. */
  private readonly finished = new Set<string>();

  get pendingCount(): number {
    return this.drafts.size;
  }

  /** Returns an outcome when the event finishes a call. */
  push(event: KiroToolUseEvent): ToolCallOutcome | undefined {
    if (this.finished.has(event.toolUseId)) return undefined;
    let draft = this.drafts.get(event.toolUseId);
    if (draft === undefined) {
      draft = { id: event.toolUseId, name: undefined, fragments: [] };
      this.drafts.set(event.toolUseId, draft);
    }
    if (draft.name === undefined && event.name !== undefined && event.name.length > 0)
      draft.name = event.name;
    if (event.input.length > 0) draft.fragments.push(event.input);
    if (!event.stop) return undefined;
    this.drafts.delete(draft.id);
    this.finished.add(draft.id);
    return finishDraft(draft, event.input);
  }

  /** The calls still waiting for `stop: true` at the end of the stream, in arrival order. */
  drainUnfinished(): ToolCallFailure[] {
    const failures = [...this.drafts.values()].map((draft): ToolCallFailure => ({
      id: draft.id,
      name: draft.name,
      reason: 'truncated',
      received: draft.fragments.join(''),
    }));
    for (const id of this.drafts.keys()) this.finished.add(id);
    this.drafts.clear();
    return failures;
  }
}

function finishDraft(draft: ToolCallDraft, stopInput: string): ToolCallOutcome | undefined {
  const received = draft.fragments.join('');
  if (draft.name === undefined) {
    // A stray stop for an id never seen carries nothing to report.
    if (received.length === 0) return undefined;
    return { kind: 'failed', failure: { id: draft.id, name: undefined, reason: 'missing-name', received } };
  }
  const input = resolveToolInput(draft.fragments, stopInput);
  if (!input.ok) {
    return { kind: 'failed', failure: { id: draft.id, name: draft.name, reason: 'invalid-json', received } };
  }
  return { kind: 'complete', call: { id: draft.id, name: draft.name, json: input.json } };
}
