import { randomBytes, randomInt } from 'node:crypto';
import { convertAnthropicRequestToKiro } from '../../conversion/anthropic-to-kiro/convert-anthropic-request-to-kiro.js';
import { extractSessionId } from '../../conversion/anthropic-to-kiro/conversation-id.js';
import { aggregateMessage } from '../../conversion/kiro-to-anthropic/aggregate-message.js';
import { resolveModel } from '../../conversion/models/resolve-model.js';
import { buildMcpWebSearchRequest } from '../../conversion/web-search/build-mcp-web-search-request.js';
import { extractWebSearchQuery } from '../../conversion/web-search/extract-web-search-query.js';
import { parseMcpWebSearchResponse } from '../../conversion/web-search/parse-mcp-web-search-response.js';
import { renderWebSearchEvents } from '../../conversion/web-search/render-web-search-events.js';
import type { WebSearchResults } from '../../conversion/web-search/parse-mcp-web-search-response.js';
import type { CredentialEntry } from '../../credentials/credential-entry.js';
import { executeWithFailover } from '../../dispatch/execute-with-failover.js';
import type { GatewayServices } from './gateway-services.js';
import type { AnthropicMessagesRequest } from '../../protocols/anthropic/messages-request.js';
import { encodeSseEvent } from '../../protocols/anthropic/encode-sse-event.js';
import { isGatewayError } from '../../shared/errors.js';
import { McpToolError } from '../../upstream/upstream-error.js';
import { sendJson } from '../anthropic-error-body.js';
import type { RouteContext } from '../router.js';
import { SseStream } from '../sse-stream.js';
import { conversionContext } from './conversion-context.js';
import { newMessageId } from './new-message-id.js';
import { estimateInputTokens } from './estimate-input-tokens.js';
import { recordOutcome } from './request-outcome.js';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const randomAlphanumeric = (length: number): string =>
  Array.from({ length }, () => ALPHANUMERIC[randomInt(ALPHANUMERIC.length)]).join('');

function estimate(
  services: GatewayServices,
  request: AnthropicMessagesRequest,
  query: string,
): Promise<number> {
  try {
    return estimateInputTokens(
      services,
      convertAnthropicRequestToKiro(request, conversionContext(services)).request,
    );
  } catch {
    return services.tokenCounter.countText(query);
  }
}

type RenderInput = Parameters<typeof renderWebSearchEvents>[0];

/** Renders twice: once to learn which texts it counts, then with their counts from the tokenizer worker. */
async function renderCounted(services: GatewayServices, input: Omit<RenderInput, 'countTokens'>) {
  const texts: string[] = [];
  renderWebSearchEvents({ ...input, countTokens: (text) => (texts.push(text), 0) });
  const counts = await services.tokenCounter.countTexts(texts);
  const byText = new Map(texts.map((text, index) => [text, counts[index]!]));
  return renderWebSearchEvents({ ...input, countTokens: (text) => byText.get(text) ?? 0 });
}

/** The search's results; a search that failed and found nothing throws, so it is retried. */
function searchResultsOf(body: unknown): WebSearchResults {
  const results = parseMcpWebSearchResponse(body);
  if (results.results.length === 0 && results.error !== undefined) throw new McpToolError(results.error);
  return results;
}

/**
 * Claude Code's server-side WebSearch (a lone `web_search_*` tool) goes to Kiro's MCP endpoint,
 * not generateAssistantResponse (§8), and is rendered as Anthropic server-tool blocks.
 */
export async function handleWebSearch(
  services: GatewayServices,
  context: RouteContext,
  request: AnthropicMessagesRequest,
  endpoint: string,
): Promise<void> {
  const startedAt = services.clock.now();
  const query = extractWebSearchQuery(request);
  const rpc = buildMcpWebSearchRequest(query, {
    random: randomAlphanumeric,
    now: () => services.clock.now(),
  });
  const resolved = resolveModel(request.model, services.config().modelMapping);
  const model = resolved ?? { kiroModelId: 'auto', family: 'auto' };
  const abort = new AbortController();
  context.response.once('close', () => {
    if (!context.response.writableFinished) abort.abort(new Error('client disconnected'));
  });
  const base = {
    requestId: context.requestId,
    endpoint,
    model: request.model,
    kiroModel: 'mcp:web_search',
    stream: request.stream === true,
    startedAt,
  };
  let results: WebSearchResults;
  let entry: CredentialEntry;
  try {
    const dispatched = await executeWithFailover(
      services.dispatch,
      { model, sessionId: extractSessionId(request), signal: abort.signal },
      async (call) => searchResultsOf(await services.client.callMcp(call, rpc)),
    );
    entry = dispatched.entry;
    results = dispatched.result;
  } catch (error) {
    const status = abort.signal.aborted ? 499 : isGatewayError(error) ? error.status : 500;
    recordOutcome(services, { ...base, entry: undefined, status, firstByteAt: undefined, error });
    throw error;
  }
  const events = await renderCounted(services, {
    query,
    results: results.results,
    model: request.model,
    messageId: newMessageId(),
    toolUseId: `srvtoolu_${randomBytes(16).toString('hex')}`,
    inputTokens: await estimate(services, request, query),
  });
  const final = events.find((event) => event.type === 'message_delta');
  const usage =
    final?.type === 'message_delta'
      ? { inputTokens: final.usage.input_tokens, outputTokens: final.usage.output_tokens, credits: 0 }
      : undefined;
  if (request.stream) {
    const sse = new SseStream(context.response, services.config().pingIntervalSeconds * 1000, {
      'request-id': context.requestId,
    });
    await sse.write(events.map(encodeSseEvent).join(''));
    sse.end();
  } else {
    sendJson(context.response, 200, aggregateMessage(events), { 'request-id': context.requestId });
  }
  recordOutcome(services, {
    ...base,
    entry,
    status: 200,
    firstByteAt: services.clock.now(),
    ...(usage ? { usage } : {}),
  });
}
