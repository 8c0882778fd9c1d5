import { randomBytes } from 'node:crypto';
import { convertAnthropicRequestToKiro } from '../../conversion/anthropic-to-kiro/convert-anthropic-request-to-kiro.js';
import type { ConversionResult } from '../../conversion/anthropic-to-kiro/convert-anthropic-request-to-kiro.js';
import { extractSessionId } from '../../conversion/anthropic-to-kiro/conversation-id.js';
import { describeKiroRequestShape } from '../../conversion/anthropic-to-kiro/describe-kiro-request-shape.js';
import { isWebSearchRequest } from '../../conversion/web-search/is-web-search-request.js';
import { ImproperlyFormedError } from '../../dispatch/classify-failure.js';
import { executeWithFailover } from '../../dispatch/execute-with-failover.js';
import type { CredentialEntry } from '../../credentials/credential-entry.js';
import type { GatewayServices } from '../../gateway/gateway-services.js';
import type { AnthropicMessagesRequest } from '../../protocols/anthropic/messages-request.js';
import { parseMessagesRequest } from '../../protocols/anthropic/messages-request.js';
import { isGatewayError } from '../../shared/errors.js';
import type { KiroCallContext } from '../../upstream/kiro-client.js';
import type { KiroGenerateRequest } from '../../upstream/kiro-request.js';
import { requireApiKey } from '../api-key-auth.js';
import { readJsonBody } from '../read-json-body.js';
import type { RouteContext, RouteHandler } from '../router.js';
import type { RequestOutcome } from './request-outcome.js';
import { recordOutcome } from './request-outcome.js';
import type { KiroResponseInput } from './write-kiro-response.js';
import { writeKiroResponse } from './write-kiro-response.js';
import { handleWebSearch } from './web-search-route.js';

export interface MessagesVariant {
  /** `/cc/v1`: buffer the stream until upstream ends so message_start.input_tokens is exact. */
  buffered: boolean;
  endpoint: string;
}

export const newMessageId = (): string => `msg_${randomBytes(12).toString('hex')}`;

/** The request-conversion context from the current config. */
export function conversionContext(services: GatewayServices) {
  const config = services.config();
  return {
    newId: services.newId,
    modelMapping: config.modelMapping,
    maxUpstreamBodyBytes: config.maxUpstreamBodyBytes,
    payloadGuard: config.payloadGuard,
  };
}

/** Counts after the event loop had a chance to send the upstream request, so counting never delays it. */
export async function estimateInputTokens(
  services: GatewayServices,
  request: KiroGenerateRequest,
): Promise<number> {
  await new Promise((resolve) => setImmediate(resolve));
  return services.tokenCounter.countRequest(request, {
    hiddenPromptTokens: services.config().kiroPromptTokens,
  });
}

/** Authenticates, reads and validates an Anthropic Messages request. */
export async function readMessagesRequest(
  services: GatewayServices,
  context: RouteContext,
): Promise<AnthropicMessagesRequest> {
  const config = services.config();
  requireApiKey(context.request.headers, config.apiKey ?? '');
  return parseMessagesRequest(await readJsonBody(context.request, config.maxRequestBodyBytes));
}

/** POST /v1/messages and /cc/v1/messages. */
export function messagesHandler(services: GatewayServices, variant: MessagesVariant): RouteHandler {
  return async (context) => {
    const startedAt = services.clock.now();
    const request = await readMessagesRequest(services, context);
    if (isWebSearchRequest(request)) {
      await handleWebSearch(services, context, request, variant.endpoint);
      return;
    }
    const conversion = convertAnthropicRequestToKiro(request, conversionContext(services));
    if (conversion.warnings.length > 0)
      context.logger.debug({ warnings: conversion.warnings }, 'request adjusted');
    // Returned, not awaited: this frame (holding the request) ends before the stream does.
    return dispatchAndRespond(services, context, request, conversion, { ...variant, startedAt });
  };
}

/** In its own scope, so the closure pins only the Kiro body (until dispatch), not the caller's locals. */
function upstreamCall(services: GatewayServices, body: string) {
  return (call: KiroCallContext) => services.client.generateAssistantResponse(call, body);
}

async function dispatchAndRespond(
  services: GatewayServices,
  context: RouteContext,
  request: AnthropicMessagesRequest,
  conversion: ConversionResult,
  variant: MessagesVariant & { startedAt: number },
): Promise<void> {
  const abort = new AbortController();
  const onClose = () => {
    if (!context.response.writableFinished) abort.abort(new Error('client disconnected'));
  };
  context.response.once('close', onClose);
  const outcomeBase = {
    requestId: context.requestId,
    endpoint: variant.endpoint,
    model: request.model,
    kiroModel: conversion.model.kiroModelId,
    stream: request.stream === true,
    startedAt: variant.startedAt,
  };
  const dispatching = executeWithFailover(
    services.dispatch,
    { model: conversion.model, sessionId: extractSessionId(request), signal: abort.signal },
    upstreamCall(services, conversion.body),
  );
  // Keep the rejection handled while the estimate runs; it is awaited just below.
  dispatching.catch(() => undefined);
  const inputTokens = await estimateInputTokens(services, conversion.request);
  let dispatched;
  try {
    dispatched = await dispatching;
  } catch (error) {
    const status = abort.signal.aborted ? 499 : isGatewayError(error) ? error.status : 500;
    recordOutcome(services, { ...outcomeBase, entry: undefined, status, firstByteAt: undefined, error });
    if (abort.signal.aborted) return;
    if (error instanceof ImproperlyFormedError) {
      // The hint the client gets promises this: the request's shape, never its content.
      const shape = describeKiroRequestShape(conversion.request);
      context.logger.warn({ shape }, 'Kiro rejected the request as improperly formed');
    }
    throw error;
  }
  // Only what the response needs goes on, so the request and its Kiro body are garbage during a
  // stream that may last minutes (at 500 streams they were most of the gateway's live heap).
  const response: KiroResponseInput = {
    model: request.model,
    stream: request.stream === true,
    contextWindow: conversion.model.contextWindow,
    thinking: conversion.thinking.mode !== 'off',
    toolNameMap: conversion.toolNameMap,
    upstream: dispatched.result,
    inputTokens,
    buffered: variant.buffered,
    messageId: newMessageId(),
    signal: abort.signal,
  };
  return respond(services, context, dispatched.entry, response, outcomeBase, onClose);
}

async function respond(
  services: GatewayServices,
  context: RouteContext,
  entry: CredentialEntry,
  input: KiroResponseInput,
  outcomeBase: Omit<RequestOutcome, 'entry' | 'status' | 'firstByteAt'>,
  onClose: () => void,
): Promise<void> {
  entry.inFlight += 1;
  try {
    const result = await writeKiroResponse(services, context, input);
    recordOutcome(services, { ...outcomeBase, entry, ...result });
  } finally {
    entry.inFlight -= 1;
    context.response.off('close', onClose);
  }
}
