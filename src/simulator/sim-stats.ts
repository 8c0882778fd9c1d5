// Counters and the last requests the simulator saw, for tests to assert on.

import type { IncomingHttpHeaders } from 'node:http';

export interface RecordedRequest {
  /** Simulator-clock epoch ms. */
  at: number;
  method: string;
  /** Path with query, as received. */
  path: string;
  /** Lower-case names; the bearer and other secrets redacted. */
  headers: Record<string, string>;
  /** Parsed JSON when the body is JSON, otherwise its text (first 64 KiB); secrets redacted. */
  body: unknown;
  status: number;
  accountId: string | undefined;
  /** The validation rule or check that rejected the request. */
  rejectedBy: string | undefined;
}

export interface SimStats {
  chatRequests: number;
  /** Chat requests answered with a stream. */
  chatStreams: number;
  chatByAccount: Record<string, number>;
  refreshCalls: { social: number; idc: number; failed: number; byAccount: Record<string, number> };
  usageLimitCalls: number;
  modelListCalls: number;
  profileCalls: number;
  mcpCalls: number;
  /** Newest last. */
  requests: RecordedRequest[];
}

const SECRET_FIELDS = ['refreshToken', 'accessToken', 'clientSecret'];
const REDACTED = '[redacted]';

function redactHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    out[name] = name === 'authorization' ? text.replace(/^(\S+\s+).*$/, `$1${REDACTED}`) : text;
  }
  return out;
}

function redactBody(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const copy: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  for (const field of SECRET_FIELDS) if (field in copy) copy[field] = REDACTED;
  return copy;
}

function emptyStats(): SimStats {
  return {
    chatRequests: 0,
    chatStreams: 0,
    chatByAccount: {},
    refreshCalls: { social: 0, idc: 0, failed: 0, byAccount: {} },
    usageLimitCalls: 0,
    modelListCalls: 0,
    profileCalls: 0,
    mcpCalls: 0,
    requests: [],
  };
}

export class StatsRecorder {
  private stats = emptyStats();

  constructor(private readonly recordLimit: number) {}

  get counters(): SimStats {
    return this.stats;
  }

  countAccount(table: Record<string, number>, accountId: string | undefined): void {
    if (accountId !== undefined) table[accountId] = (table[accountId] ?? 0) + 1;
  }

  record(
    entry: Omit<RecordedRequest, 'headers' | 'body'>,
    headers: IncomingHttpHeaders,
    body: unknown,
  ): void {
    if (this.recordLimit <= 0) return;
    this.stats.requests.push({ ...entry, headers: redactHeaders(headers), body: redactBody(body) });
    if (this.stats.requests.length > this.recordLimit) this.stats.requests.shift();
  }

  snapshot(): SimStats {
    return structuredClone(this.stats);
  }

  reset(): void {
    this.stats = emptyStats();
  }
}
