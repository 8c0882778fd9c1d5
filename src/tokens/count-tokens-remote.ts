import { request, type Dispatcher } from 'undici';
import { z } from 'zod';

/** Fields Anthropic's count_tokens accepts; others (max_tokens, stream, metadata, …) are rejected there. */
const COUNT_FIELDS = ['model', 'messages', 'system', 'tools', 'tool_choice', 'thinking'] as const;

const DEFAULT_TIMEOUT_MS = 5000;

const responseSchema = z.looseObject({ input_tokens: z.number().int().nonnegative() });

export interface CountTokensRemoteOptions {
  /** config.countTokensApiUrl, e.g. https://api.anthropic.com/v1/messages/count_tokens. */
  url: string;
  /** config.countTokensApiKey; no auth header without it. */
  apiKey?: string | undefined;
  /** config.countTokensAuthType: `x-api-key: KEY` or `Authorization: Bearer KEY`. */
  authType: 'x-api-key' | 'bearer';
  dispatcher?: Dispatcher;
  /** Whole call, headers and body; default 5 s. */
  timeoutMs?: number;
  /** Why the remote count was not used: `status 500`, `timeout`, … Never contains the key or the body. */
  onFailure?: (reason: string) => void;
}

function describeFailure(error: unknown): string {
  if (error instanceof z.ZodError || error instanceof SyntaxError) return 'invalid response body';
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'timeout';
    if (typeof code === 'string' && code.includes('TIMEOUT')) return 'timeout';
    return typeof code === 'string' ? `network error ${code}` : `network error ${error.name}`;
  }
  return 'network error';
}

function authHeaders(options: CountTokensRemoteOptions): Record<string, string> {
  if (!options.apiKey) return {};
  return options.authType === 'bearer'
    ? { authorization: `Bearer ${options.apiKey}` }
    : { 'x-api-key': options.apiKey };
}

/**
 * Asks the external count_tokens API (kiro.rs `countTokensApiUrl`, protocol §9) for the input
 * tokens of an Anthropic request. Any failure (network, timeout, non-2xx, bad JSON) resolves to
 * undefined so the caller falls back to the local count.
 */
export async function countTokensRemote(
  body: Record<string, unknown>,
  options: CountTokensRemoteOptions,
): Promise<number | undefined> {
  const payload = Object.fromEntries(
    COUNT_FIELDS.filter((field) => body[field] !== undefined && body[field] !== null).map((field) => [
      field,
      body[field],
    ]),
  );
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  try {
    const response = await request(options.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'anthropic-version': '2023-06-01',
        ...authHeaders(options),
      },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(timeoutMs),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
    });
    if (response.statusCode < 200 || response.statusCode >= 300) {
      await response.body.dump();
      options.onFailure?.(`status ${response.statusCode}`);
      return undefined;
    }
    return responseSchema.parse(await response.body.json()).input_tokens;
  } catch (error) {
    options.onFailure?.(describeFailure(error));
    return undefined;
  }
}
