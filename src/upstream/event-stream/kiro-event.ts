import { EventStreamError } from './event-stream-error.js';
import type { EventStreamFrame } from './event-stream-frame.js';
import { headerString } from './event-stream-frame.js';

/** A decoded upstream event (§4.5). Exceptions and errors are values, so translators decide their fate. */
export type KiroEvent =
  | { type: 'text'; content: string }
  | {
      type: 'toolUse';
      toolUseId: string;
      /** Absent on bare fragments; the translator remembers it per toolUseId. */
      name: string | undefined;
      /** A fragment of the JSON arguments ("" when absent). */
      input: string;
      stop: boolean;
    }
  | { type: 'metering'; usage: number; unit: string | undefined }
  | { type: 'contextUsage'; percentage: number }
  | { type: 'reasoning'; text: string; signature: string | undefined; redactedContent: string | undefined }
  | { type: 'tokenUsage'; outputTokens: number | undefined; uncachedInputTokens: number | undefined }
  /** A known event kiro proxies ignore (messageMetadataEvent, followupPromptEvent, …). */
  | { type: 'ignored'; eventType: string }
  /** An event type this gateway does not know; kept for debug logging. */
  | { type: 'unknown'; eventType: string; payload: unknown }
  /** `:message-type: exception` (e.g. ContentLengthExceededException). */
  | { type: 'exception'; exceptionType: string; message: string; reason: string | undefined }
  /** `:message-type: error` (AWS generic form). */
  | { type: 'error'; errorCode: string; message: string };

const IGNORED_EVENT_TYPES = new Set([
  'messageMetadataEvent',
  'codeReferenceEvent',
  'followupPromptEvent',
  'supplementaryWebLinksEvent',
  'invalidStateEvent',
  'citationEvent',
  'codeEvent',
  'intentsEvent',
  'interactionComponentsEvent',
  'toolResultEvent',
  'dryRunSucceedEvent',
]);

type JsonObject = Record<string, unknown>;

/** The frame decoder hands out Buffers; other Uint8Arrays get a view, never a copy. */
function utf8(bytes: Uint8Array): string {
  const buffer = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return buffer.toString('utf8');
}

function parsePayload(frame: EventStreamFrame, eventType: string): JsonObject {
  const text = utf8(frame.payload);
  if (text.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new EventStreamError('bad_payload', `upstream ${eventType} payload is not JSON`, { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new EventStreamError('bad_payload', `upstream ${eventType} payload is not a JSON object`);
  }
  return value as JsonObject;
}

const asString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const asNumber = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

function messageOf(payload: JsonObject, fallback: string): string {
  return asString(payload.message) ?? asString(payload.Message) ?? fallback;
}

function parseToolUse(payload: JsonObject): KiroEvent {
  const toolUseId = asString(payload.toolUseId);
  if (toolUseId === undefined) {
    throw new EventStreamError('bad_payload', 'upstream toolUseEvent has no toolUseId');
  }
  const raw = payload.input;
  // Some upstream versions send the input as an already-parsed object (§4.5 notes).
  const input = raw === undefined || raw === null ? '' : typeof raw === 'string' ? raw : JSON.stringify(raw);
  return { type: 'toolUse', toolUseId, name: asString(payload.name), input, stop: payload.stop === true };
}

export function parseKiroEvent(frame: EventStreamFrame): KiroEvent {
  const messageType = headerString(frame, ':message-type') ?? 'event';
  if (messageType === 'exception') {
    const exceptionType = headerString(frame, ':exception-type') ?? 'UnknownException';
    const payload = parsePayload(frame, exceptionType);
    return {
      type: 'exception',
      exceptionType,
      message: messageOf(payload, exceptionType),
      reason: asString(payload.reason),
    };
  }
  if (messageType === 'error') {
    const errorCode = headerString(frame, ':error-code') ?? 'UnknownError';
    const headerMessage = headerString(frame, ':error-message');
    const payload = headerMessage === undefined ? parsePayload(frame, errorCode) : {};
    return { type: 'error', errorCode, message: headerMessage ?? messageOf(payload, errorCode) };
  }
  if (messageType !== 'event') {
    throw new EventStreamError('bad_header', `upstream frame has unknown :message-type "${messageType}"`);
  }
  const eventType = headerString(frame, ':event-type') ?? '';
  if (IGNORED_EVENT_TYPES.has(eventType)) return { type: 'ignored', eventType };
  const payload = parsePayload(frame, eventType);
  switch (eventType) {
    case 'assistantResponseEvent':
      return { type: 'text', content: asString(payload.content) ?? '' };
    case 'toolUseEvent':
      return parseToolUse(payload);
    case 'meteringEvent':
      return { type: 'metering', usage: asNumber(payload.usage) ?? 0, unit: asString(payload.unit) };
    case 'contextUsageEvent':
      return { type: 'contextUsage', percentage: asNumber(payload.contextUsagePercentage) ?? 0 };
    case 'reasoningContentEvent':
      return {
        type: 'reasoning',
        text: asString(payload.text) ?? '',
        signature: asString(payload.signature),
        redactedContent: asString(payload.redactedContent),
      };
    case 'metadataEvent': {
      const usage = (payload.tokenUsage ?? {}) as JsonObject;
      return {
        type: 'tokenUsage',
        outputTokens: asNumber(usage.outputTokens),
        uncachedInputTokens: asNumber(usage.uncachedInputTokens),
      };
    }
    default:
      return { type: 'unknown', eventType, payload };
  }
}
