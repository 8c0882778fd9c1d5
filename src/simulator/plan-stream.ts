// Second planning pass: stream items → exact bytes and pauses, with metering filled in.

import { countTextTokens } from '../tokens/claude-tokenizer.js';
import {
  encodeErrorFrame,
  encodeEventFrame,
  encodeExceptionFrame,
} from '../upstream/event-stream/event-stream-frame.js';
import { contextUsagePercentage } from './context-usage.js';
import { contextUsagePayload, meteringPayload, textPayload } from './event-payloads.js';
import type { StreamItem } from './expand-script-steps.js';
import { expandScriptSteps } from './expand-script-steps.js';
import type { ScriptStep } from './script-types.js';
import type { SeededRandom } from './seeded-random.js';
import type { MeteringFunction } from './usage-limits.js';

export type StreamAction =
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'delay'; ms: number }
  /** Terminal: finish the body now (`end`) or drop the connection (`destroy`). */
  | { kind: 'close'; how: 'end' | 'destroy' }
  /** Terminal: send nothing more, keep the connection open. */
  | { kind: 'hang' };

export interface PlanContext {
  inputTokens: number;
  window: number;
  rateMultiplier: number;
  contextUsageIncludesOutput: boolean;
  toolInputLimitBytes: number;
  chunkDelayMs: number;
  metering: MeteringFunction;
  random: SeededRandom;
}

export interface StreamPlan {
  actions: StreamAction[];
  /** Credits carried by the meteringEvents that will be sent. */
  meteredCredits: number;
  outputTokens: number;
}

interface PendingFaults {
  badCrc?: 'message' | 'prelude';
  truncate?: { keepBytes: number | undefined; close: 'end' | 'destroy' };
}

/** Encoded frames by event type and payload: scripted replies repeat, and encoding dominates a frame's cost. */
const frameCache = new Map<string, Uint8Array>();
const FRAME_CACHE_LIMIT = 4096;

function cachedEventFrame(eventType: string, payload: string): Uint8Array {
  const key = `${eventType}\u0000${payload}`;
  let frame = frameCache.get(key);
  if (!frame) {
    if (frameCache.size >= FRAME_CACHE_LIMIT) frameCache.clear();
    frame = encodeEventFrame(eventType, payload);
    frameCache.set(key, frame);
  }
  return frame;
}

/** Frames are shared through the cache: corrupt a copy, never the original. */
function corrupt(frame: Uint8Array, part: 'message' | 'prelude'): Uint8Array {
  const copy = Uint8Array.from(frame);
  const index = part === 'prelude' ? 11 : copy.length - 1;
  copy[index] = copy[index]! ^ 0xff;
  return copy;
}

/** Adds the meteringEvent/contextUsageEvent a normal stream ends with, when the script lacks them. */
function withTail(items: StreamItem[], enabled: boolean): StreamItem[] {
  if (!enabled) return items;
  const tail: StreamItem[] = [];
  if (!items.some((item) => item.kind === 'metering')) tail.push({ kind: 'metering', usage: undefined });
  if (!items.some((item) => item.kind === 'contextUsage'))
    tail.push({ kind: 'contextUsage', percentage: undefined });
  return [...items, ...tail];
}

export function planStream(
  steps: readonly ScriptStep[],
  autoTail: boolean | undefined,
  context: PlanContext,
): StreamPlan {
  const expanded = expandScriptSteps(steps, context.random, context.toolInputLimitBytes);
  const items = withTail(expanded.items, autoTail ?? !expanded.hasFault);
  const outputTokens = expanded.outputTexts.reduce((sum, text) => sum + countTextTokens(text), 0);
  const defaultCredits = context.metering(context.inputTokens, outputTokens, context.rateMultiplier);
  const defaultPercentage = contextUsagePercentage(
    context.inputTokens,
    outputTokens,
    context.window,
    context.contextUsageIncludesOutput,
  );

  const actions: StreamAction[] = [];
  const pending: PendingFaults = {};
  let previous: Uint8Array | undefined;
  let meteredCredits = 0;
  let frames = 0;

  /** Emits one frame, applying pending faults. Returns false when the stream ends here. */
  const emit = (frame: Uint8Array): boolean => {
    if (frames++ > 0 && context.chunkDelayMs > 0) actions.push({ kind: 'delay', ms: context.chunkDelayMs });
    const bytes = pending.badCrc ? corrupt(frame, pending.badCrc) : frame;
    pending.badCrc = undefined;
    if (pending.truncate) {
      const keep = pending.truncate.keepBytes ?? Math.floor(bytes.length / 2);
      actions.push({ kind: 'bytes', bytes: bytes.subarray(0, Math.min(keep, bytes.length - 1)) });
      actions.push({ kind: 'close', how: pending.truncate.close });
      return false;
    }
    actions.push({ kind: 'bytes', bytes });
    previous = bytes;
    return true;
  };

  const frameOf = (item: StreamItem): Uint8Array | undefined => {
    switch (item.kind) {
      case 'event':
        return cachedEventFrame(item.eventType, item.payload);
      case 'metering': {
        const usage = item.usage ?? defaultCredits;
        if (!pending.truncate) meteredCredits += usage;
        return encodeEventFrame('meteringEvent', meteringPayload(usage));
      }
      case 'contextUsage':
        return encodeEventFrame(
          'contextUsageEvent',
          contextUsagePayload(item.percentage ?? defaultPercentage),
        );
      case 'exception':
        return encodeExceptionFrame(item.exceptionType, item.payload);
      case 'error':
        return encodeErrorFrame(item.errorCode, item.message);
      default:
        return undefined;
    }
  };

  for (const item of items) {
    const frame = frameOf(item);
    if (frame) {
      if (!emit(frame)) return { actions, meteredCredits, outputTokens };
      continue;
    }
    if (item.kind === 'delay') actions.push({ kind: 'delay', ms: item.ms });
    else if (item.kind === 'raw') actions.push({ kind: 'bytes', bytes: item.bytes });
    else if (item.kind === 'badCrc') pending.badCrc = item.part;
    else if (item.kind === 'truncate') pending.truncate = { keepBytes: item.keepBytes, close: item.close };
    else if (item.kind === 'duplicate') {
      const repeated = previous;
      for (let copy = 0; repeated && copy < item.count; copy++) {
        if (!emit(repeated)) return { actions, meteredCredits, outputTokens };
      }
    } else if (item.kind === 'hang') {
      actions.push({ kind: 'hang' });
      return { actions, meteredCredits, outputTokens };
    } else if (item.kind === 'cut') {
      actions.push({ kind: 'close', how: 'end' });
      return { actions, meteredCredits, outputTokens };
    }
  }
  // A truncate with no frame after it cuts a filler text frame.
  if (pending.truncate) emit(encodeEventFrame('assistantResponseEvent', textPayload('(truncated)')));
  return { actions, meteredCredits, outputTokens };
}
