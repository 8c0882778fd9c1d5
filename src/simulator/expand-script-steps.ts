// First planning pass: script steps → a flat list of stream items, with the output text they carry.

import type { ScriptStep } from './script-types.js';
import type { SeededRandom } from './seeded-random.js';
import {
  chunkText,
  defaultExceptionMessage,
  exceptionPayload,
  splitEvenly,
  textPayload,
  toolInputPayload,
  toolStartPayload,
  toolStopPayload,
  utf8Prefix,
} from './event-payloads.js';

export type StreamItem =
  | { kind: 'event'; eventType: string; payload: string }
  | { kind: 'metering'; usage: number | undefined }
  | { kind: 'contextUsage'; percentage: number | undefined }
  | { kind: 'exception'; exceptionType: string; payload: string }
  | { kind: 'error'; errorCode: string; message: string }
  | { kind: 'delay'; ms: number }
  | { kind: 'badCrc'; part: 'message' | 'prelude' }
  | { kind: 'duplicate'; count: number }
  | { kind: 'truncate'; keepBytes: number | undefined; close: 'end' | 'destroy' }
  | { kind: 'hang' }
  | { kind: 'raw'; bytes: Uint8Array }
  /** The upstream stopped mid tool call: the body ends here, cleanly, with nothing after. */
  | { kind: 'cut' };

export interface ExpandedScript {
  items: StreamItem[];
  /** Everything the "model" produced (text, thinking, tool input), for output-token counting. */
  outputTexts: string[];
  /** A step that breaks the normal stream shape (disables the automatic tail). */
  hasFault: boolean;
}

const FAULT_KINDS = new Set<StreamItem['kind']>([
  'exception',
  'error',
  'badCrc',
  'truncate',
  'hang',
  'raw',
  'cut',
]);

function textItems(chunks: string[]): StreamItem[] {
  return chunks.map((chunk) => ({
    kind: 'event',
    eventType: 'assistantResponseEvent',
    payload: textPayload(chunk),
  }));
}

function thinkingChunks(text: string | string[]): string[] {
  if (typeof text === 'string') return chunkText(`<thinking>\n${text}\n</thinking>\n\n`);
  return ['<thinking>\n', ...text, '\n</thinking>\n\n'];
}

function toolItems(
  step: Extract<ScriptStep, { type: 'toolUse' }>,
  random: SeededRandom,
  toolInputLimitBytes: number,
  outputTexts: string[],
): StreamItem[] {
  const id = step.toolUseId ?? random.toolUseId();
  const fullInput = Array.isArray(step.fragments)
    ? step.fragments.join('')
    : typeof step.input === 'string'
      ? step.input
      : JSON.stringify(step.input ?? {});
  const limit = step.truncateAtBytes ?? toolInputLimitBytes;
  const truncated = Buffer.byteLength(fullInput) > limit;
  const input = truncated ? utf8Prefix(fullInput, limit) : fullInput;
  const fragments =
    Array.isArray(step.fragments) && !truncated
      ? step.fragments
      : splitEvenly(
          input,
          typeof step.fragments === 'number' ? step.fragments : Math.ceil(input.length / 40),
        );
  outputTexts.push(input);
  const event = (payload: string): StreamItem => ({ kind: 'event', eventType: 'toolUseEvent', payload });
  const items = [event(toolStartPayload(step.name, id))];
  for (const fragment of fragments) {
    if (fragment.length > 0) items.push(event(toolInputPayload(fragment, step.name, id)));
  }
  if (truncated) items.push({ kind: 'cut' });
  else if (step.stop ?? true) items.push(event(toolStopPayload(step.name, id)));
  return items;
}

function expandStep(
  step: ScriptStep,
  random: SeededRandom,
  toolInputLimitBytes: number,
  outputTexts: string[],
): StreamItem[] {
  switch (step.type) {
    case 'text': {
      const chunks = typeof step.text === 'string' ? chunkText(step.text) : step.text;
      outputTexts.push(chunks.join(''));
      return textItems(chunks);
    }
    case 'thinking': {
      const chunks = thinkingChunks(step.text);
      outputTexts.push(chunks.join(''));
      return textItems(chunks);
    }
    case 'toolUse':
      return toolItems(step, random, toolInputLimitBytes, outputTexts);
    case 'metering':
      return [{ kind: 'metering', usage: step.usage }];
    case 'contextUsage':
      return [{ kind: 'contextUsage', percentage: step.percentage }];
    case 'event': {
      const payload = typeof step.payload === 'string' ? step.payload : JSON.stringify(step.payload);
      return [{ kind: 'event', eventType: step.eventType, payload }];
    }
    case 'exception': {
      const message = step.message ?? defaultExceptionMessage(step.exceptionType);
      return [
        {
          kind: 'exception',
          exceptionType: step.exceptionType,
          payload: exceptionPayload(message, step.reason),
        },
      ];
    }
    case 'error':
      return [{ kind: 'error', errorCode: step.errorCode, message: step.message ?? step.errorCode }];
    case 'delay':
      return [{ kind: 'delay', ms: step.ms }];
    case 'badCrc':
      return [{ kind: 'badCrc', part: step.part ?? 'message' }];
    case 'duplicate':
      return [{ kind: 'duplicate', count: step.count ?? 1 }];
    case 'truncate':
      return [{ kind: 'truncate', keepBytes: step.keepBytes, close: step.close ?? 'end' }];
    case 'hang':
      return [{ kind: 'hang' }];
    case 'raw':
      return [{ kind: 'raw', bytes: Buffer.from(step.base64, 'base64') }];
  }
}

export function expandScriptSteps(
  steps: readonly ScriptStep[],
  random: SeededRandom,
  toolInputLimitBytes: number,
): ExpandedScript {
  const outputTexts: string[] = [];
  const items = steps.flatMap((step) => expandStep(step, random, toolInputLimitBytes, outputTexts));
  return { items, outputTexts, hasFault: items.some((item) => FAULT_KINDS.has(item.kind)) };
}
