import type { CredentialEntry } from '../../credentials/credential-entry.js';
import { recordSuccess, recordUsage } from '../../credentials/credential-health.js';
import type { GatewayServices } from './gateway-services.js';
import { isGatewayError } from '../../shared/errors.js';
import { quoteInput } from '../../shared/quote-input.js';

export interface RequestOutcome {
  requestId: string;
  endpoint: string;
  model: string | undefined;
  kiroModel: string | undefined;
  entry: CredentialEntry | undefined;
  stream: boolean;
  /** HTTP status the client saw (499 when it went away). */
  status: number;
  startedAt: number;
  firstByteAt: number | undefined;
  usage?: { inputTokens: number; outputTokens: number; credits: number };
  error?: unknown;
}

/** Updates the account's counters and appends to the request log. */
export function recordOutcome(services: GatewayServices, outcome: RequestOutcome): void {
  const now = services.clock.now();
  const { entry, usage, error } = outcome;
  if (entry && usage) {
    // A stream that failed after it began still spent tokens, but is no success for the account.
    if (error === undefined) recordSuccess(entry, usage);
    else recordUsage(entry, usage);
    services.pool.changed(entry);
  }
  services.requestLog?.append({
    at: outcome.startedAt,
    requestId: outcome.requestId,
    endpoint: outcome.endpoint,
    model: outcome.model === undefined ? undefined : quoteInput(outcome.model),
    kiroModel: outcome.kiroModel,
    credentialId: entry?.id,
    stream: outcome.stream,
    status: outcome.status,
    latencyMs: Math.max(0, now - outcome.startedAt),
    firstByteMs: outcome.firstByteAt === undefined ? undefined : outcome.firstByteAt - outcome.startedAt,
    inputTokens: usage?.inputTokens,
    outputTokens: usage?.outputTokens,
    credits: usage?.credits,
    errorType: error === undefined ? undefined : isGatewayError(error) ? error.type : 'api_error',
    errorMessage: error instanceof Error ? error.message.slice(0, 500) : undefined,
  });
}
