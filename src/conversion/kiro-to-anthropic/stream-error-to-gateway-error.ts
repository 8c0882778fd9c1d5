import {
  ApiError,
  AuthenticationError,
  GatewayError,
  InvalidRequestError,
  NotFoundError,
  OverloadedError,
  PermissionError,
  RateLimitError,
  RequestTooLargeError,
  TimeoutError,
} from '../../shared/errors.js';

/** An Anthropic `error` stream event as the HTTP error a non-streaming response must become. */
export function streamErrorToGatewayError(error: { type: string; message: string }): GatewayError {
  const { message } = error;
  switch (error.type) {
    case 'invalid_request_error':
      return new InvalidRequestError(message);
    case 'authentication_error':
      return new AuthenticationError(message);
    case 'billing_error':
      return new GatewayError('billing_error', 402, message);
    case 'permission_error':
      return new PermissionError(message);
    case 'not_found_error':
      return new NotFoundError(message);
    case 'request_too_large':
      return new RequestTooLargeError(message);
    case 'rate_limit_error':
      return new RateLimitError(message);
    case 'overloaded_error':
      return new OverloadedError(message);
    case 'timeout_error':
      return new TimeoutError(message);
    default:
      return new ApiError(message);
  }
}
