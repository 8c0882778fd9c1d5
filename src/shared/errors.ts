// Client-facing error taxonomy. Each error knows its HTTP status and its Anthropic error type;
// the protocol mappers in src/http are the only places that turn one into a wire body.

export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'billing_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'timeout_error'
  | 'overloaded_error';

export interface GatewayErrorOptions {
  cause?: unknown;
  /** Seconds until a retry may succeed; sent as `retry-after`. */
  retryAfterSeconds?: number;
}

export class GatewayError extends Error {
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly type: AnthropicErrorType,
    readonly status: number,
    message: string,
    options: GatewayErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export class InvalidRequestError extends GatewayError {
  constructor(message: string, options?: GatewayErrorOptions) {
    super('invalid_request_error', 400, message, options);
  }
}

/** The prompt does not fit the model's context or the upstream body limit. Claude Code compacts on this. */
export class PromptTooLongError extends InvalidRequestError {
  constructor(detail: string, options?: GatewayErrorOptions) {
    super(`prompt is too long: ${detail}`, options);
  }
}

export class AuthenticationError extends GatewayError {
  constructor(message: string, options?: GatewayErrorOptions) {
    super('authentication_error', 401, message, options);
  }
}

export class PermissionError extends GatewayError {
  constructor(message: string, options?: GatewayErrorOptions) {
    super('permission_error', 403, message, options);
  }
}

export class NotFoundError extends GatewayError {
  constructor(message: string, options?: GatewayErrorOptions) {
    super('not_found_error', 404, message, options);
  }
}

export class RequestTooLargeError extends GatewayError {
  constructor(message: string, options?: GatewayErrorOptions) {
    super('request_too_large', 413, message, options);
  }
}

export class RateLimitError extends GatewayError {
  constructor(message: string, options?: GatewayErrorOptions) {
    super('rate_limit_error', 429, message, options);
  }
}

export class OverloadedError extends GatewayError {
  constructor(message: string, options?: GatewayErrorOptions) {
    super('overloaded_error', 529, message, options);
  }
}

export class ApiError extends GatewayError {
  constructor(message: string, status = 502, options?: GatewayErrorOptions) {
    super('api_error', status, message, options);
  }
}

export class TimeoutError extends GatewayError {
  constructor(message: string, options?: GatewayErrorOptions) {
    super('timeout_error', 504, message, options);
  }
}

/** Start-up failure in a config or credentials file: names the file, the field and the problem. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

export function isGatewayError(error: unknown): error is GatewayError {
  return error instanceof GatewayError;
}
