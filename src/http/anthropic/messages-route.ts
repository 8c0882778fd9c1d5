import { convertAnthropicRequestToKiro } from '../../conversion/anthropic-to-kiro/convert-anthropic-request-to-kiro.js';
import type { ConversionResult } from '../../conversion/anthropic-to-kiro/convert-anthropic-request-to-kiro.js';
import { extractSessionId } from '../../conversion/anthropic-to-kiro/conversation-id.js';
import { describeKiroRequestShape } from '../../conversion/anthropic-to-kiro/describe-kiro-request-shape.js';
import { countUserMessages, setKiroModelId } from '../../conversion/anthropic-to-kiro/set-kiro-model-id.js';
import { describeKiroModel } from '../../conversion/models/describe-kiro-model.js';
import { isWebSearchRequest } from '../../conversion/web-search/is-web-search-request.js';
import { ImproperlyFormedError } from '../../dispatch/classify-failure.js';
import { executeWithFailover } from '../../dispatch/execute-with-failover.js';
import type { Dispatched } from '../../dispatch/execute-with-failover.js';
import type { GatewayServices } from './gateway-services.js';
import type { AnthropicMessagesRequest } from '../../protocols/anthropic/messages-request.js';
import { parseMessagesRequest } from '../../protocols/anthropic/messages-request.js';
import { isGatewayError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { KiroCallContext } from '../../upstream/kiro-client.js';
import { readUntilContent } from '../../upstream/read-until-content.js';
import type { KiroEventStream } from '../../upstream/read-until-content.js';
import { requireApiKey } from '../api-key-auth.js';
import { readJsonBody } from '../read-json-body.js';
import type { RouteContext, RouteHandler } from '../router.js';
import type { RequestOutcome } from './request-outcome.js';
import { recordOutcome } from './request-outcome.js';
import { KiroResponseWriter } from './kiro-response-writer.js';
import { handleWebSearch } from './web-search-route.js';
import { conversionContext } from './conversion-context.js';
import { estimateInputTokens } from './estimate-input-tokens.js';
import { newMessageId } from './new-message-id.js';
import { offeredModelChooser } from './offered-model-chooser.js';

export interface MessagesVariant {
  /** `/cc/v1`: buffer the stream until upstream ends so message_start.input_tokens is exact. */
  buffered: boolean;
  endpoint: string;
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

/**
 * In its own scope, so the closure pins only the Kiro body (until dispatch), not the caller's
 * locals. The body names `modelId`; an attempt on an account that serves another model gets a
 * rewritten copy. Resolves at the first content: an empty answer throws, so the failover loop retries it.
 */
function upstreamCall(
  services: GatewayServices,
  conversion: ConversionResult,
  logger: Logger,
  onAccepted: (kiroModelId: string) => Promise<void>,
) {
  const { body } = conversion;
  const converted = conversion.model.kiroModelId;
  const userMessages = countUserMessages(conversion.request);
  return async (call: KiroCallContext, kiroModelId: string) => {
    const response = await services.client.generateAssistantResponse(
      call,
      setKiroModelId(body, converted, kiroModelId, userMessages),
    );
    // Read at once: bytes Kiro sent before a dropped connection must not wait for the stream to open.
    const reading = readUntilContent(response, logger);
    reading.catch(() => undefined);
    await onAccepted(kiroModelId);
    return reading;
  };
}

/**
 * The input-token estimate (started once) and what to do when Kiro accepts an attempt: open the stream
 * for the model that attempt uses. In its own scope: closures made in dispatchAndRespond share one
 * context with `onClose`, which lives as long as the stream, and must not pin the request.
 */
function whenAccepted(services: GatewayServices, conversion: ConversionResult, writer: KiroResponseWriter) {
  const { request } = conversion;
  const converted = conversion.model.kiroModelId;
  let estimate: Promise<number> | undefined;
  const inputTokens = () => (estimate ??= estimateInputTokens(services, request));
  const onAccepted = async (kiroModel: string) => {
    if (kiroModel !== converted) writer.useModel(kiroModel, describeKiroModel(kiroModel).contextWindow);
    await writer.open(await inputTokens());
  };
  return { inputTokens, onAccepted };
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
  // Only what the response needs goes in, so the request and its Kiro body are garbage during a
  // stream that may last minutes (at 500 streams they were most of the gateway's live heap).
  const writer = new KiroResponseWriter(services, context, {
    model: request.model,
    kiroModel: conversion.model.kiroModelId,
    stream: request.stream === true,
    contextWindow: conversion.model.contextWindow,
    thinking: conversion.thinking.mode !== 'off',
    toolNameMap: conversion.toolNameMap,
    buffered: variant.buffered,
    messageId: newMessageId(),
    signal: abort.signal,
  });
  const { inputTokens, onAccepted } = whenAccepted(services, conversion, writer);
  // A stream opens when Kiro accepts, as before reading ahead for content: pings keep it alive.
  const chooseModel = offeredModelChooser(services, conversion.model);
  const dispatching = executeWithFailover(
    services.dispatch,
    {
      model: conversion.model,
      sessionId: extractSessionId(request),
      signal: abort.signal,
      ...(chooseModel ? { chooseModel } : {}),
    },
    upstreamCall(services, conversion, context.logger, onAccepted),
  );
  // Keep the rejection handled while the estimate runs; it is awaited just below.
  dispatching.catch(() => undefined);
  const tokens = await inputTokens();
  let dispatched;
  try {
    dispatched = await dispatching;
  } catch (error) {
    if (error instanceof ImproperlyFormedError) {
      // The hint the client gets promises this: the request's shape, never its content.
      const shape = describeKiroRequestShape(conversion.request);
      context.logger.warn({ shape }, 'Kiro rejected the request as improperly formed');
    }
    if (writer.isOpen) {
      recordOutcome(services, { ...outcomeBase, entry: undefined, ...(await writer.fail(error)) });
      context.response.off('close', onClose);
      return;
    }
    const status = abort.signal.aborted ? 499 : isGatewayError(error) ? error.status : 500;
    recordOutcome(services, { ...outcomeBase, entry: undefined, status, firstByteAt: undefined, error });
    if (abort.signal.aborted) return;
    throw error;
  }
  const kiroModel = dispatched.kiroModelId;
  if (kiroModel !== conversion.model.kiroModelId) services.substitutions.note(request.model, kiroModel);
  return respond(services, context, dispatched, writer, tokens, { ...outcomeBase, kiroModel }, onClose);
}

async function respond(
  services: GatewayServices,
  context: RouteContext,
  dispatched: Dispatched<KiroEventStream>,
  writer: KiroResponseWriter,
  inputTokens: number,
  outcomeBase: Omit<RequestOutcome, 'entry' | 'status' | 'firstByteAt'>,
  onClose: () => void,
): Promise<void> {
  const { entry } = dispatched;
  entry.inFlight += 1;
  try {
    const result = await writer.write(dispatched.result, inputTokens);
    recordOutcome(services, { ...outcomeBase, entry, ...result });
  } finally {
    entry.inFlight -= 1;
    context.response.off('close', onClose);
  }
}
