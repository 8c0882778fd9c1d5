// Failures talking to Kiro. Bodies are the upstream's own JSON (§5.1); they never contain our secrets.

export type UpstreamOperation =
  | 'generateAssistantResponse'
  | 'getUsageLimits'
  | 'listAvailableModels'
  | 'listAvailableProfiles'
  | 'mcp'
  | 'refreshToken';

export interface UpstreamErrorBody {
  message: string | undefined;
  reason: string | undefined;
  /** Exception name from `__type` (after `#`) or the `x-amzn-errortype` header. */
  exceptionType: string | undefined;
  /** OAuth style `error` (invalid_grant, invalid_client). */
  oauthError: string | undefined;
}

const MAX_BODY_CHARS = 4096;

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function parseUpstreamErrorBody(text: string, errorTypeHeader?: string): UpstreamErrorBody {
  let json: Record<string, unknown> = {};
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) json = value as Record<string, unknown>;
  } catch {
    // HTML or empty bodies from load balancers (502/503/504).
  }
  const nested = (json.error && typeof json.error === 'object' ? json.error : {}) as Record<string, unknown>;
  const type = str(json.__type) ?? errorTypeHeader;
  return {
    message: str(json.message) ?? str(json.Message) ?? str(nested.message) ?? str(json.error_description),
    reason: str(json.reason) ?? str(nested.reason),
    exceptionType: type?.split('#').pop()?.split(':')[0],
    oauthError: str(json.error),
  };
}

/** Seconds from a Retry-After header (delta-seconds or an HTTP date). */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** A non-2xx answer from Kiro before any stream started. */
export class UpstreamHttpError extends Error {
  readonly parsed: UpstreamErrorBody;
  /** The raw body, capped; safe to log (it is the upstream's text, not ours). */
  readonly body: string;

  constructor(
    readonly operation: UpstreamOperation,
    readonly status: number,
    body: string,
    readonly retryAfterSeconds: number | undefined,
    errorTypeHeader?: string,
  ) {
    const parsed = parseUpstreamErrorBody(body, errorTypeHeader);
    const detail = [parsed.exceptionType, parsed.reason, parsed.message ?? parsed.oauthError]
      .filter(Boolean)
      .join(' ');
    super(`Kiro ${operation} answered HTTP ${status}${detail ? `: ${detail}` : ''}`);
    this.name = 'UpstreamHttpError';
    this.parsed = parsed;
    this.body = body.length > MAX_BODY_CHARS ? `${body.slice(0, MAX_BODY_CHARS)}…` : body;
  }
}

/** The connection failed or timed out before an answer arrived. */
export class UpstreamNetworkError extends Error {
  constructor(
    readonly operation: UpstreamOperation,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(`Kiro ${operation} failed: ${code}`, options);
    this.name = 'UpstreamNetworkError';
  }
}

/** Turns an undici/Node failure into UpstreamNetworkError; passes aborts and our own errors through. */
export function toNetworkError(operation: UpstreamOperation, error: unknown): unknown {
  if (error instanceof UpstreamHttpError || error instanceof UpstreamNetworkError) return error;
  if (error instanceof Error && error.name === 'AbortError') return error;
  const withCode = error as { code?: unknown; cause?: { code?: unknown } };
  const rawCode = withCode.code ?? withCode.cause?.code;
  const code =
    typeof rawCode === 'string' ? rawCode : error instanceof Error ? error.message : 'unknown network error';
  return new UpstreamNetworkError(operation, code, { cause: error });
}

/** Kiro accepted the request (HTTP 200), then ended the stream without any text, tool call or thinking. */
export class EmptyAnswerError extends Error {
  constructor(readonly eventTypes: readonly string[]) {
    const seen = eventTypes.length === 0 ? 'no event at all' : `only ${[...new Set(eventTypes)].join(', ')}`;
    super(`Kiro returned an empty answer (${seen})`);
    this.name = 'EmptyAnswerError';
  }
}

/**
 * Kiro accepted, then sent a retryable exception or error frame before any content: nothing reached
 * the client, so it is classified as the HTTP failure of the same class (ThrottlingException as 429).
 */
export class UpstreamStreamException extends UpstreamHttpError {
  constructor(status: number, exceptionType: string, message: string, reason: string | undefined) {
    super(
      'generateAssistantResponse',
      status,
      JSON.stringify({ __type: exceptionType, message, reason }),
      undefined,
    );
    this.name = 'UpstreamStreamException';
    this.message = `Kiro sent ${exceptionType}${reason ? ` (${reason})` : ''} before any content: ${message}`;
  }
}

/**
 * Kiro's MCP web search answered HTTP 200 but failed (a JSON-RPC error, `isError`, an unreadable
 * body) and found nothing: a transient upstream failure, retried and failed over like a 5xx.
 */
export class McpToolError extends Error {
  constructor(detail: string) {
    super(`Kiro web search failed: ${detail}`);
    this.name = 'McpToolError';
  }
}
