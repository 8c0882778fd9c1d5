// What a test can make the simulator answer, per request.

import type { SimErrorPreset, SimHttpError } from './upstream-errors.js';

/** How the response bytes are cut into HTTP writes: one per frame, one per byte, seeded random, or at these absolute offsets. */
export type SplitMode = 'none' | 'every-byte' | 'random' | number[];

export type ScriptStep =
  /** assistantResponseEvent(s). A string is cut into several chunks; an array gives the chunks. */
  | { type: 'text'; text: string | string[] }
  /** `<thinking>\n…\n</thinking>\n\n` as text events (the emulated-thinking form, §3.10). */
  | { type: 'thinking'; text: string | string[] }
  /**
   * A tool call in fragments: first `{name,toolUseId}`, then `input` pieces, then `stop:true`.
   * `input` is an object (serialised) or raw JSON text. Inputs longer than `truncateAtBytes`
   * (default: the simulator's `toolInputLimitBytes`) are cut mid-JSON with no stop event and
   * the stream ends there, as the upstream does.
   */
  | {
      type: 'toolUse';
      name: string;
      input?: Record<string, unknown> | string;
      toolUseId?: string;
      /** Number of input fragments, or the exact fragments (then `input` is ignored). */
      fragments?: number | string[];
      truncateAtBytes?: number;
      /** Send the stop event; default true. */
      stop?: boolean;
    }
  /** meteringEvent; `usage` defaults to the deterministic cost of this request. */
  | { type: 'metering'; usage?: number }
  /** contextUsageEvent; `percentage` defaults to the computed one (§4.8). */
  | { type: 'contextUsage'; percentage?: number }
  /** Any event, e.g. messageMetadataEvent. A string payload is sent as is. */
  | { type: 'event'; eventType: string; payload: unknown }
  /** An in-stream `exception` frame (§4.3 C), e.g. ContentLengthExceededException. */
  | { type: 'exception'; exceptionType: string; message?: string; reason?: string }
  /** An AWS generic `error` frame. */
  | { type: 'error'; errorCode: string; message?: string }
  | { type: 'delay'; ms: number }
  /** Corrupt the next frame's message CRC (default) or prelude CRC. */
  | { type: 'badCrc'; part?: 'message' | 'prelude' }
  /** Repeat the previous frame `count` times (default 1). */
  | { type: 'duplicate'; count?: number }
  /**
   * Send only the first `keepBytes` (default half) of the next frame, then end the body
   * (`close: 'end'`, default) or drop the connection (`'destroy'`).
   */
  | { type: 'truncate'; keepBytes?: number; close?: 'end' | 'destroy' }
  /** Stop sending but keep the connection open until the client leaves. */
  | { type: 'hang' }
  /** Raw bytes, base64. */
  | { type: 'raw'; base64: string };

export interface SimScript {
  /** Answer with this HTTP error (or §5.3 preset) instead of a stream. */
  httpError?: SimHttpError | SimErrorPreset;
  /** The stream; default: the default reply for the request. */
  steps?: ScriptStep[];
  /** Append the missing meteringEvent/contextUsageEvent; default true unless the steps inject a fault. */
  autoTail?: boolean;
  split?: SplitMode;
  /** Pause between events, overriding the simulator's `chunkDelayMs`. */
  chunkDelayMs?: number;
}

export interface ScriptMatch {
  /** Only requests of this account. */
  accountId?: string;
  /** Only requests whose current user message (content or tool-result text) contains this. */
  messageIncludes?: string;
  /** How many requests it answers; default 1. */
  times?: number | 'forever';
}

/** A queued script as listed by the control route. */
export interface QueuedScript {
  id: string;
  script: SimScript;
  match: ScriptMatch;
  /** Requests it will still answer (`forever` never runs out). */
  remaining: number | 'forever';
}
