import { z } from 'zod';

/** One search hit, as Kiro's MCP web_search tool reports it. */
export interface WebSearchResultItem {
  title: string;
  url: string;
  snippet: string | undefined;
  /** Epoch milliseconds. */
  publishedDate: number | undefined;
  domain: string | undefined;
}

export interface WebSearchResults {
  results: WebSearchResultItem[];
  /** Why the search failed: the JSON-RPC error, the tool's own error, or an unreadable body. */
  error?: string;
}

const envelopeSchema = z.looseObject({
  error: z.looseObject({ code: z.number().nullish(), message: z.string().nullish() }).nullish(),
  result: z
    .looseObject({
      isError: z.boolean().nullish(),
      content: z.array(z.looseObject({ type: z.string().nullish(), text: z.string().nullish() })).nullish(),
    })
    .nullish(),
});

const payloadSchema = z.looseObject({
  results: z.array(z.unknown()).nullish(),
  error: z.string().nullish(),
});

const itemSchema = z.looseObject({
  title: z.string().nullish(),
  url: z.string().min(1),
  snippet: z.string().nullish(),
  publishedDate: z.union([z.number(), z.string()]).nullish(),
  domain: z.string().nullish(),
});

/** Epoch ms from a number (ms, or seconds when too small to be ms) or a date string. */
function toEpochMs(value: number | string | null | undefined): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const number = typeof value === 'number' ? value : /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(number) || number <= 0) return undefined;
  return number < 1e11 ? number * 1000 : number;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function toItem(value: unknown): WebSearchResultItem | undefined {
  const parsed = itemSchema.safeParse(value);
  if (!parsed.success) return undefined;
  const { title, url, snippet, publishedDate, domain } = parsed.data;
  return {
    title: title?.trim() || domain || url,
    url,
    snippet: snippet ?? undefined,
    publishedDate: toEpochMs(publishedDate),
    domain: domain ?? undefined,
  };
}

/**
 * Reads Kiro's `/mcp` web search reply (protocol §8.2): `result.content[0].text` is itself a JSON
 * string `{results: [{title, url, snippet, publishedDate, …}], totalResults, query, error}`. Every
 * failure shape (JSON-RPC `error`, `isError`, unreadable text, an `error` inside the payload)
 * becomes empty or partial results plus an error message; items without a url are skipped.
 */
export function parseMcpWebSearchResponse(body: unknown): WebSearchResults {
  const envelope = envelopeSchema.safeParse(typeof body === 'string' ? parseJson(body) : body);
  if (!envelope.success) return { results: [], error: 'unreadable MCP response' };
  const { error, result } = envelope.data;
  if (error) {
    return { results: [], error: `MCP error ${error.code ?? 'unknown'}: ${error.message ?? 'no message'}` };
  }
  const text = result?.content?.find((item) => typeof item.text === 'string')?.text ?? undefined;
  if (result?.isError) return { results: [], error: text?.trim() || 'web search tool failed' };
  if (text === undefined) return { results: [], error: 'MCP response has no text content' };
  const payload = payloadSchema.safeParse(parseJson(text));
  if (!payload.success) return { results: [], error: 'unreadable web search results' };
  const results = (payload.data.results ?? []).flatMap((value) => toItem(value) ?? []);
  const payloadError = payload.data.error?.trim();
  return payloadError ? { results, error: payloadError } : { results };
}
