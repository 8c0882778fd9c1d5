// What the simulator's /mcp web_search answers (set by options or the control API).

export interface WebSearchResult {
  title: string;
  url: string;
  snippet: string;
  /** Epoch milliseconds. */
  publishedDate?: number;
  id?: string;
  domain?: string;
}

export interface WebSearchConfig {
  /** Fixed results; default: three deterministic results derived from the query. */
  results?: WebSearchResult[];
  /** Answer every call (only this account's, when `accountId` is set) with this JSON-RPC error instead. */
  error?: { code: number; message: string; data?: unknown; accountId?: string };
}
