// generateAssistantResponse: auth, account state, validation, then a scripted or default stream.

import type { ServerResponse } from 'node:http';
import type { KiroGenerateRequest } from '../upstream/kiro-request.js';
import { countRequestInputTokens, requestAsksForThinking } from './context-usage.js';
import { currentMessageText, defaultReplySteps } from './default-reply.js';
import { parseJson } from './http-io.js';
import { isOpusModel } from './model-catalog.js';
import type { StreamAction } from './plan-stream.js';
import { planStream } from './plan-stream.js';
import type { SimScript, SplitMode } from './script-types.js';
import { SeededRandom } from './seeded-random.js';
import type { HandlerOutcome, SimRequest, SimulatorContext } from './simulator-context.js';
import { answerWith, headerValue, namespaceOf } from './simulator-context.js';
import { writeEventStream } from './stream-writer.js';
import type { AccountRecord } from './token-store.js';
import type { SimHttpError } from './upstream-errors.js';
import {
  SIM_ERROR_PRESETS,
  bearerInvalid,
  contextTooLong,
  featureNotSupported,
  improperlyFormed,
  invalidModel,
  monthlyLimitReached,
  notAuthorized,
  temporarilySuspended,
  throttled,
} from './upstream-errors.js';
import { applyUsage, quotaExhausted } from './usage-limits.js';
import { validateGenerateRequest } from './validate-request.js';

type Check = { ok: true; request: KiroGenerateRequest } | { ok: false; outcome: HandlerOutcome };

/** Account-level refusals, checked before the body is looked at. */
function accountRefusal(
  context: SimulatorContext,
  request: SimRequest,
  account: AccountRecord,
): HandlerOutcome | undefined {
  const namespace = namespaceOf(request.host);
  if (account.suspended) return answerWith(temporarilySuspended(), account.id, 'suspended');
  if (context.tokens.isThrottled(account)) {
    return answerWith(throttled(namespace, account.throttled), account.id, 'throttled');
  }
  if (quotaExhausted(account, context.clock.now()))
    return answerWith(monthlyLimitReached(), account.id, 'quota');
  return undefined;
}

function checkRequest(context: SimulatorContext, request: SimRequest, account: AccountRecord): Check {
  const namespace = namespaceOf(request.host);
  const refuse = (answer: SimHttpError, rule: string): Check => ({
    ok: false,
    outcome: answerWith(answer, account.id, rule),
  });
  if (request.bodyOverflow || request.body.length > context.options.maxBodyBytes) {
    return refuse(improperlyFormed(), 'body-too-large');
  }
  const parsed = parseJson(request.body);
  if (!parsed.ok) return refuse(improperlyFormed(), 'body-not-json');
  const validation = validateGenerateRequest(parsed.value, {
    runtime: request.host === 'runtime',
    toolLimits: {
      nameLimit: context.options.toolNameLimit,
      descriptionLimit: context.options.toolDescriptionLimit,
    },
    toolDescriptionStatus: context.options.toolDescriptionStatus,
  });
  if (!validation.ok) return refuse(validation.answer, validation.rule);
  const body = validation.request;
  if (
    context.options.enforceProfileArnMatch &&
    body.profileArn !== undefined &&
    body.profileArn.length > 0 &&
    body.profileArn !== account.profileArn
  ) {
    return refuse(notAuthorized(namespace), 'profile-arn-mismatch');
  }
  return { ok: true, request: body };
}

function resolveHttpError(error: NonNullable<SimScript['httpError']>): SimHttpError {
  return typeof error === 'string' ? SIM_ERROR_PRESETS[error]() : error;
}

function wantsThinking(context: SimulatorContext, request: KiroGenerateRequest): boolean {
  if (context.options.thinking === 'always') return true;
  return context.options.thinking === 'auto' && requestAsksForThinking(request);
}

async function sendStream(
  context: SimulatorContext,
  request: SimRequest,
  response: ServerResponse,
  actions: readonly StreamAction[],
  split: SplitMode,
  random: SeededRandom,
): Promise<void> {
  if (response.destroyed) return;
  const abort = new AbortController();
  const stop = (): void => abort.abort();
  response.on('close', stop);
  context.shutdown.addEventListener('abort', stop, { once: true });
  try {
    const headers = { 'x-amzn-RequestId': request.requestId };
    await writeEventStream(response, actions, headers, { split, random, signal: abort.signal });
  } finally {
    context.shutdown.removeEventListener('abort', stop);
  }
}

export function handleChat(
  context: SimulatorContext,
  request: SimRequest,
  response: ServerResponse,
): HandlerOutcome {
  const stats = context.stats.counters;
  stats.chatRequests++;
  const namespace = namespaceOf(request.host);
  const account = context.tokens.authenticate(
    headerValue(request.headers, 'authorization'),
    headerValue(request.headers, 'tokentype'),
    context.options.requireApiKeyTokenType,
  );
  if (!account) return answerWith(bearerInvalid(namespace), undefined, 'bearer-invalid');
  account.chatCount++;
  context.stats.countAccount(stats.chatByAccount, account.id);
  const refusal = accountRefusal(context, request, account);
  if (refusal) return refusal;
  const check = checkRequest(context, request, account);
  if (!check.ok) return check.outcome;
  const body = check.request;

  const current = body.conversationState.currentMessage.userInputMessage;
  const offered = context.models.forAccount(account.models);
  const model = current.modelId === undefined ? offered.defaultModel() : offered.find(current.modelId);
  if (!model) return answerWith(invalidModel(), account.id, 'invalid-model');
  if (account.tier === 'FREE' && isOpusModel(model.modelId)) {
    return answerWith(featureNotSupported(namespace), account.id, 'feature-not-supported');
  }
  const inputTokens = countRequestInputTokens(body, {
    hiddenPromptTokens: context.options.hiddenPromptTokens,
  });
  if (inputTokens > model.maxInputTokens) return answerWith(contextTooLong(), account.id, 'context-too-long');

  const script = context.scripts.take(account.id, currentMessageText(body));
  if (script?.httpError) return answerWith(resolveHttpError(script.httpError), account.id, 'scripted');
  const plan = planStream(
    script?.steps ?? defaultReplySteps(body, wantsThinking(context, body)),
    script?.autoTail,
    {
      inputTokens,
      window: model.maxInputTokens,
      rateMultiplier: model.rateMultiplier,
      contextUsageIncludesOutput: context.options.contextUsageIncludesOutput,
      toolInputLimitBytes: context.options.toolInputLimitBytes,
      chunkDelayMs: script?.chunkDelayMs ?? context.options.chunkDelayMs,
      metering: context.options.metering,
      random: context.random,
    },
  );
  applyUsage(account, plan.meteredCredits, context.clock.now());
  stats.chatStreams++;

  // Own generator per stream, so concurrent streams do not change each other's random splits.
  const splitRandom = new SeededRandom(context.random.int(0, 2 ** 31));
  const split = script?.split ?? context.options.split;
  const stream = (): Promise<void> =>
    sendStream(context, request, response, plan.actions, split, splitRandom);
  return { status: 200, accountId: account.id, stream };
}
