import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';

/** Header values as the AWS codec models them (§4.2 type table). */
export type EventStreamHeaderValue = { type: string; value: unknown };

export interface EventStreamFrame {
  headers: Record<string, EventStreamHeaderValue>;
  payload: Uint8Array;
}

/** One shared codec: it is stateless for encode/decode of whole messages. */
export const eventStreamCodec = new EventStreamCodec(toUtf8, fromUtf8);

export const PRELUDE_LENGTH = 12;
export const MIN_FRAME_LENGTH = 16;
/** kiro.rs rejects larger frames; so do we. */
export const MAX_FRAME_LENGTH = 16 * 1024 * 1024;

/** Reads a string header, or undefined when absent or of another type. */
export function headerString(frame: EventStreamFrame, name: string): string | undefined {
  const header = frame.headers[name];
  return header?.type === 'string' && typeof header.value === 'string' ? header.value : undefined;
}

function stringHeaders(entries: [string, string][]): Record<string, EventStreamHeaderValue> {
  const headers: Record<string, EventStreamHeaderValue> = {};
  for (const [name, value] of entries) headers[name] = { type: 'string', value };
  return headers;
}

export function encodeFrame(frame: EventStreamFrame): Uint8Array {
  return eventStreamCodec.encode({
    headers: frame.headers as Parameters<typeof eventStreamCodec.encode>[0]['headers'],
    body: frame.payload,
  });
}

/** An `event` frame with headers in the order of the §4.3 vectors. */
export function encodeEventFrame(eventType: string, payload: string | Uint8Array): Uint8Array {
  return encodeFrame({
    headers: stringHeaders([
      [':event-type', eventType],
      [':content-type', 'application/json'],
      [':message-type', 'event'],
    ]),
    payload: typeof payload === 'string' ? fromUtf8(payload) : payload,
  });
}

/** An in-stream `exception` frame (§4.3 C). */
export function encodeExceptionFrame(exceptionType: string, payload: string): Uint8Array {
  return encodeFrame({
    headers: stringHeaders([
      [':exception-type', exceptionType],
      [':content-type', 'application/json'],
      [':message-type', 'exception'],
    ]),
    payload: fromUtf8(payload),
  });
}

/** The AWS generic `error` frame form. */
export function encodeErrorFrame(errorCode: string, message: string): Uint8Array {
  return encodeFrame({
    headers: stringHeaders([
      [':error-code', errorCode],
      [':error-message', message],
      [':message-type', 'error'],
    ]),
    payload: fromUtf8(JSON.stringify({ message })),
  });
}
