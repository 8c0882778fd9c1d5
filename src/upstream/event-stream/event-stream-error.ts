export type EventStreamErrorCode =
  /** The 8-byte prelude does not match its CRC. */
  | 'prelude_crc'
  /** The message CRC does not match. */
  | 'message_crc'
  /** total_length or headers_length is impossible. */
  | 'bad_length'
  /** The headers section cannot be parsed. */
  | 'bad_header'
  /** A payload is not the JSON its event type promises. */
  | 'bad_payload'
  /** The body ended inside a frame. */
  | 'truncated';

/** A corrupt or cut-off upstream event stream. Never swallowed: it ends the response with an error. */
export class EventStreamError extends Error {
  constructor(
    readonly code: EventStreamErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EventStreamError';
  }
}
