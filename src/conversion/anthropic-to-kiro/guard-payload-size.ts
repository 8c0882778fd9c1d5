import type { KiroGenerateRequest } from '../../upstream/kiro-request.js';
import { PromptTooLongError } from '../../shared/errors.js';
import type { PayloadGuardMode } from './conversion-context.js';
import { repairToolPairing } from './repair-tool-pairing.js';
import type { Turn, UserTurn } from './turn.js';

/** Room for the `profileArn` injected after conversion. */
export const PROFILE_ARN_HEADROOM_BYTES = 256;

export interface PayloadGuardInput {
  /** Alternating history, starting with the system pair when there is one. */
  history: readonly Turn[];
  current: UserTurn;
  /** Turns at the start of history that are never dropped (the system pair). */
  systemTurnCount: number;
  build(history: readonly Turn[], current: UserTurn): KiroGenerateRequest;
  maxUpstreamBodyBytes: number;
  payloadGuard: PayloadGuardMode;
}

export interface GuardedRequest {
  request: KiroGenerateRequest;
  /** `request` serialised: measured here, sent as is (serialising a large body twice costs milliseconds). */
  body: string;
  trimmedMessages: number;
}

function measure(body: string): number {
  return Buffer.byteLength(body, 'utf8') + PROFILE_ARN_HEADROOM_BYTES;
}

/**
 * Keeps the upstream body under the limit (protocol §3.9, gotcha 9). With `trim`, the oldest history is
 * dropped one exchange at a time (an assistant turn and the user turn after it, so tool pairs go together),
 * keeping the system pair, the first user turn and the last assistant turn (its tool calls are answered by
 * the current message); images of the first and current turns therefore survive. Pairing is re-checked
 * afterwards. If the body still does not fit, or with `reject`, a prompt-too-long error lets Claude Code compact.
 */
export function guardPayloadSize(input: PayloadGuardInput, warnings: string[]): GuardedRequest {
  const limit = input.maxUpstreamBodyBytes;
  const request = input.build(input.history, input.current);
  const body = JSON.stringify(request);
  const size = measure(body);
  if (size <= limit) return { request, body, trimmedMessages: 0 };
  if (input.payloadGuard === 'reject') throw tooLong(size, limit);

  const items = request.conversationState.history ?? [];
  const itemBytes = items.map((item) => Buffer.byteLength(JSON.stringify(item), 'utf8') + 1);
  const firstRemovable = input.systemTurnCount + 1;
  const lastRemovable = input.history.length - 2;
  let drop = 0;
  let saved = 0;
  while (size - saved > limit && firstRemovable + drop + 1 <= lastRemovable) {
    saved += (itemBytes[firstRemovable + drop] ?? 0) + (itemBytes[firstRemovable + drop + 1] ?? 0);
    drop += 2;
  }
  if (size - saved > limit) throw tooLong(size, limit);

  const trimmed = [...input.history.slice(0, firstRemovable), ...input.history.slice(firstRemovable + drop)];
  const repaired = repairToolPairing(trimmed, input.current, warnings);
  const result = input.build(repaired.history, repaired.current);
  const resultBody = JSON.stringify(result);
  const finalSize = measure(resultBody);
  if (finalSize > limit) throw tooLong(finalSize, limit);
  warnings.push(
    `payload guard: dropped the ${drop} oldest history turns to fit ${limit} bytes (was ${size})`,
  );
  return { request: result, body: resultBody, trimmedMessages: drop };
}

function tooLong(size: number, limit: number): PromptTooLongError {
  return new PromptTooLongError(
    `the Kiro request body would be ${size} bytes, above the ${limit}-byte upstream limit; compact or shorten the conversation`,
  );
}
