// The upstream's HTTP error answers (protocol §5.1, §5.3), byte for byte where the doc gives them.

/** An HTTP answer the simulator sends instead of an event stream. `body` is JSON unless it is a string. */
export interface SimHttpError {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** `com.amazon.aws.codewhisperer` on the q./codewhisperer. hosts, `com.amazon.kiro.runtimeservice` on kiro.dev. */
export type ErrorNamespace = 'codewhisperer' | 'runtime';

function typeName(namespace: ErrorNamespace, exception: string): string {
  const prefix = namespace === 'runtime' ? 'com.amazon.kiro.runtimeservice' : 'com.amazon.aws.codewhisperer';
  return `${prefix}#${exception}`;
}

function withErrorType(status: number, body: unknown, errorType: string | undefined): SimHttpError {
  return errorType === undefined
    ? { status, body }
    : { status, body, headers: { 'x-amzn-ErrorType': errorType } };
}

export const IMPROPERLY_FORMED_MESSAGE = 'Improperly formed request.';
export const BEARER_INVALID_MESSAGE = 'The bearer token included in the request is invalid.';

/** The generic structural 400: exactly `{"message":"Improperly formed request.","reason":null}`. */
export function improperlyFormed(): SimHttpError {
  return withErrorType(400, { message: IMPROPERLY_FORMED_MESSAGE, reason: null }, 'ValidationException');
}

/** Unknown fields, empty profileArn on the runtime host (§3.4 rule 7). */
export function requestBodyInvalid(namespace: ErrorNamespace): SimHttpError {
  return withErrorType(
    400,
    {
      __type: typeName(namespace, 'ValidationException'),
      message: IMPROPERLY_FORMED_MESSAGE,
      reason: 'REQUEST_BODY_INVALID',
    },
    'ValidationException',
  );
}

export function profileArnRequired(): SimHttpError {
  return withErrorType(
    400,
    { message: 'profileArn is required for this request.', reason: null },
    'ValidationException',
  );
}

export function invalidModel(): SimHttpError {
  return withErrorType(
    400,
    { message: 'Invalid model. Please select a different model to continue.', reason: 'INVALID_MODEL_ID' },
    'ValidationException',
  );
}

export function contextTooLong(): SimHttpError {
  return withErrorType(
    400,
    { message: 'Input is too long.', reason: 'CONTENT_LENGTH_EXCEEDS_THRESHOLD' },
    'ValidationException',
  );
}

/** The wording Anthropic-backed services use when declared and sniffed image types differ. */
export function imageTypeMismatch(namespace: ErrorNamespace, declared: string, actual: string): SimHttpError {
  return withErrorType(
    400,
    {
      __type: typeName(namespace, 'ValidationException'),
      message: `The image was specified using the ${declared} media type, but the image appears to be a ${actual} image`,
      reason: null,
    },
    'ValidationException',
  );
}

export function bearerInvalid(namespace: ErrorNamespace): SimHttpError {
  return withErrorType(
    403,
    { __type: typeName(namespace, 'AccessDeniedException'), message: BEARER_INVALID_MESSAGE },
    'AccessDeniedException',
  );
}

/** Always the runtime namespace: that is how the doc records it, on every host. */
export function temporarilySuspended(): SimHttpError {
  return withErrorType(
    403,
    {
      __type: 'com.amazon.kiro.runtimeservice#AccessDeniedException',
      message:
        'Your User ID is temporarily suspended. We detected unusual user activity and locked it as a security precaution...',
      reason: 'TEMPORARILY_SUSPENDED',
    },
    'AccessDeniedException',
  );
}

export function featureNotSupported(namespace: ErrorNamespace): SimHttpError {
  return withErrorType(
    403,
    {
      __type: typeName(namespace, 'AccessDeniedException'),
      message: 'The selected model is not available on your current subscription plan.',
      reason: 'FEATURE_NOT_SUPPORTED',
    },
    'AccessDeniedException',
  );
}

/** Wrong profileArn for the token, or no profile where one is needed (§1.2, user-needs §12). */
export function notAuthorized(namespace: ErrorNamespace): SimHttpError {
  return withErrorType(
    403,
    {
      __type: typeName(namespace, 'AccessDeniedException'),
      message: 'User is not authorized to make this call.',
      reason: null,
    },
    'AccessDeniedException',
  );
}

export function monthlyLimitReached(): SimHttpError {
  return withErrorType(
    402,
    { message: 'You have reached the limit.', reason: 'MONTHLY_REQUEST_COUNT' },
    'ServiceQuotaExceededException',
  );
}

export interface ThrottleOptions {
  message?: string;
  reason?: string | null;
  retryAfterSeconds?: number;
}

export function throttled(namespace: ErrorNamespace, options: ThrottleOptions = {}): SimHttpError {
  const error = withErrorType(
    429,
    {
      __type: typeName(namespace, 'ThrottlingException'),
      message: options.message ?? 'Too many requests, please wait before trying again.',
      reason: options.reason ?? null,
    },
    'ThrottlingException',
  );
  if (options.retryAfterSeconds !== undefined) {
    error.headers = { ...error.headers, 'Retry-After': String(options.retryAfterSeconds) };
  }
  return error;
}

export function highLoad(reason: string | null = null): SimHttpError {
  return withErrorType(
    500,
    {
      message: 'Encountered unexpectedly high load when processing the request, please try again.',
      reason,
    },
    'InternalServerException',
  );
}

/**
 * Tool descriptions over 10 240 characters: the live upstream answers 500, not 400
 * (user-needs §7, AIClient PR #223 bisected it). We reproduce the documented 500.
 */
export function internalError(namespace: ErrorNamespace): SimHttpError {
  return withErrorType(
    500,
    {
      __type: typeName(namespace, 'InternalServerException'),
      message: 'Encountered an unexpected error when processing the request, please try again.',
      reason: null,
    },
    'InternalServerException',
  );
}

/** Named answers for scripts (`httpError: 'throttling'`), covering §5.3. */
export const SIM_ERROR_PRESETS = {
  'improperly-formed': () => improperlyFormed(),
  'request-body-invalid': () => requestBodyInvalid('codewhisperer'),
  'profile-arn-required': () => profileArnRequired(),
  'context-too-long': () => contextTooLong(),
  'invalid-model': () => invalidModel(),
  'bearer-invalid': () => bearerInvalid('codewhisperer'),
  suspended: () => temporarilySuspended(),
  'feature-not-supported': () => featureNotSupported('codewhisperer'),
  'monthly-limit': () => monthlyLimitReached(),
  throttling: () => throttled('runtime'),
  'suspicious-activity': () =>
    throttled('runtime', {
      message:
        'Due to suspicious activity, we are imposing temporary limits on how frequently your account can send a request to Kiro while we investigate.',
    }),
  'insufficient-capacity': () =>
    throttled('runtime', {
      message: 'The model is currently experiencing high demand. Please try again.',
      reason: 'INSUFFICIENT_MODEL_CAPACITY',
    }),
  'high-load': () => highLoad(),
  'model-unavailable': () => highLoad('MODEL_TEMPORARILY_UNAVAILABLE'),
  'internal-error': () => internalError('codewhisperer'),
  'bad-gateway': (): SimHttpError => ({
    status: 502,
    body: '<html><body><h1>502 Bad Gateway</h1></body></html>',
    headers: { 'content-type': 'text/html' },
  }),
  'service-unavailable': (): SimHttpError => ({ status: 503, body: '' }),
  'gateway-timeout': (): SimHttpError => ({ status: 504, body: '' }),
} as const satisfies Record<string, () => SimHttpError>;

export type SimErrorPreset = keyof typeof SIM_ERROR_PRESETS;

export const SIM_ERROR_PRESET_NAMES = Object.keys(SIM_ERROR_PRESETS) as SimErrorPreset[];
