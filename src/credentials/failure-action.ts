import type { GatewayError } from '../shared/errors.js';
import type { DisabledReason } from './credential-entry.js';

/** What one failed attempt means for the request and the account (README "Failure policy"). */
export type FailureAction =
  /** Caused by the request itself: answer the client, never penalise the account. */
  | { kind: 'client-error'; error: GatewayError }
  /** "The bearer token … is invalid": force one refresh, retry the same account once. */
  | { kind: 'refresh-and-retry' }
  /** Suspended account or exhausted monthly quota: take it out of service and fail over. */
  | { kind: 'disable'; reason: DisabledReason; detail: string }
  /** 429: rest the account and fail over. */
  | { kind: 'cool-down'; retryAfterSeconds: number | undefined; detail: string }
  /** INVALID_MODEL_ID: the account does not offer the model (any more); `error` is the client's 404. */
  | { kind: 'model-not-offered'; detail: string; error: GatewayError }
  /** The account cannot serve this model (e.g. Opus on a free plan): fail over, no penalty. */
  | { kind: 'model-not-allowed'; detail: string }
  /** Other 401/403: count a failure and fail over. */
  | { kind: 'account-failure'; detail: string }
  /** 408, 5xx, timeouts, network, empty answers, transient refresh failures: back off and fail over. */
  | { kind: 'transient'; detail: string; overloaded: boolean; emptyAnswer?: boolean };
