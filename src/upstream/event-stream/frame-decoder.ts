import { crc32 } from 'node:zlib';
import { EventStreamError } from './event-stream-error.js';
import type { EventStreamFrame, EventStreamHeaderValue } from './event-stream-frame.js';
import {
  MAX_FRAME_LENGTH,
  MIN_FRAME_LENGTH,
  PRELUDE_LENGTH,
  eventStreamCodec,
} from './event-stream-frame.js';

/**
 * Incremental AWS event-stream framing (§4.2, §4.4). Bytes arrive in arbitrary chunks; whole
 * frames come out. Both CRCs are checked here (the prelude first, so a corrupt length never makes
 * us wait for megabytes that will not come); frames with non-string headers go through the
 * official codec.
 * Any corruption throws an EventStreamError; `end()` throws if a partial frame is left. Frames a
 * chunk completed before its corrupt one still come out: the error waits for the next call.
 */
export class FrameDecoder {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  /** total_length of the frame being assembled, once its prelude has been verified. */
  private expected = 0;
  /** Corruption found after good frames of the same chunk, thrown by the next call. */
  private failure: EventStreamError | undefined;

  push(chunk: Uint8Array): EventStreamFrame[] {
    if (this.failure) throw this.failure;
    if (chunk.byteLength === 0) return [];
    this.chunks.push(chunk);
    this.buffered += chunk.byteLength;
    const frames: EventStreamFrame[] = [];
    try {
      for (;;) {
        if (this.expected === 0) {
          if (this.buffered < PRELUDE_LENGTH) break;
          this.expected = this.readPrelude();
        }
        if (this.buffered < this.expected) break;
        const bytes = this.take(this.expected);
        this.expected = 0;
        frames.push(decodeWholeFrame(bytes));
      }
    } catch (error) {
      if (frames.length === 0 || !(error instanceof EventStreamError)) throw error;
      this.failure = error;
    }
    return frames;
  }

  /** Call when the body ends. Throws when the stream stopped inside a frame. */
  end(): void {
    if (this.failure) throw this.failure;
    if (this.buffered > 0) {
      const total = this.expected === 0 ? 'unknown' : String(this.expected);
      throw new EventStreamError(
        'truncated',
        `upstream event stream ended inside a frame (${this.buffered} of ${total} bytes received)`,
      );
    }
  }

  private readPrelude(): number {
    const prelude = this.peek(PRELUDE_LENGTH);
    const view = new DataView(prelude.buffer, prelude.byteOffset, PRELUDE_LENGTH);
    const total = view.getUint32(0, false);
    const headersLength = view.getUint32(4, false);
    const preludeCrc = view.getUint32(8, false);
    if (crc32(prelude.subarray(0, 8)) !== preludeCrc) {
      throw new EventStreamError('prelude_crc', 'upstream event stream frame has a bad prelude CRC');
    }
    if (total < MIN_FRAME_LENGTH || total > MAX_FRAME_LENGTH || headersLength > total - MIN_FRAME_LENGTH) {
      throw new EventStreamError(
        'bad_length',
        `upstream event stream frame has an impossible length (total ${total}, headers ${headersLength})`,
      );
    }
    return total;
  }

  /** The first n buffered bytes, without consuming them. */
  private peek(n: number): Uint8Array {
    return this.coalesce(n).subarray(0, n);
  }

  /** Removes and returns the first n buffered bytes. */
  private take(n: number): Uint8Array {
    const front = this.coalesce(n);
    if (front.byteLength === n) this.chunks.shift();
    else this.chunks[0] = front.subarray(n);
    this.buffered -= n;
    return front.subarray(0, n);
  }

  /** Merges leading chunks until the first holds at least n bytes; copies only when they span chunks. */
  private coalesce(n: number): Uint8Array {
    const first = this.chunks[0]!;
    if (first.byteLength >= n) return first;
    let size = 0;
    let count = 0;
    while (size < n) size += this.chunks[count++]!.byteLength;
    const merged = new Uint8Array(size);
    let offset = 0;
    for (let index = 0; index < count; index++) {
      const chunk = this.chunks[index]!;
      merged.set(chunk, offset);
      offset += chunk.byteLength;
    }
    this.chunks.splice(0, count, merged);
    return merged;
  }
}

/** Kiro only sends string headers (type 7); frames with any other type go through the AWS codec. */
const STRING_HEADER_TYPE = 7;

const badHeaders = (): EventStreamError =>
  new EventStreamError('bad_header', 'upstream event stream frame has unparseable headers');

/**
 * One whole frame whose prelude CRC `readPrelude` already checked. The hot path checks the message
 * CRC once and reads string headers and the payload straight from one Buffer view, without the
 * per-header copies of the generic codec.
 */
function decodeWholeFrame(bytes: Uint8Array): EventStreamFrame {
  const total = bytes.byteLength;
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, total);
  if (crc32(bytes.subarray(0, total - 4)) !== view.readUInt32BE(total - 4)) {
    throw new EventStreamError('message_crc', 'upstream event stream frame has a bad message CRC');
  }
  const headersEnd = PRELUDE_LENGTH + view.readUInt32BE(4);
  const headers = readStringHeaders(view, headersEnd);
  if (headers === undefined) return decodeWithCodec(bytes);
  return { headers, payload: view.subarray(headersEnd, total - 4) };
}

/** The headers when all are strings; undefined as soon as another type appears. */
function readStringHeaders(view: Buffer, end: number): Record<string, EventStreamHeaderValue> | undefined {
  const headers: Record<string, EventStreamHeaderValue> = {};
  let position = PRELUDE_LENGTH;
  while (position < end) {
    const nameEnd = position + 1 + view[position]!;
    if (nameEnd >= end) throw badHeaders();
    if (view[nameEnd] !== STRING_HEADER_TYPE) return undefined;
    if (nameEnd + 3 > end) throw badHeaders();
    const valueStart = nameEnd + 3;
    const valueEnd = valueStart + view.readUInt16BE(nameEnd + 1);
    if (valueEnd > end) throw badHeaders();
    headers[view.toString('utf8', position + 1, nameEnd)] = {
      type: 'string',
      value: view.toString('utf8', valueStart, valueEnd),
    };
    position = valueEnd;
  }
  return headers;
}

function decodeWithCodec(bytes: Uint8Array): EventStreamFrame {
  try {
    const message = eventStreamCodec.decode(bytes);
    return { headers: message.headers, payload: message.body };
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    const code = /checksum/i.test(text) ? 'message_crc' : 'bad_header';
    const detail = code === 'message_crc' ? 'a bad message CRC' : 'unparseable headers';
    throw new EventStreamError(code, `upstream event stream frame has ${detail}`, { cause: error });
  }
}
