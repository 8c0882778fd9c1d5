// The refresh endpoints of the Kiro auth host (§6.1) and the SSO-OIDC host (§6.2).

import type { HandlerOutcome, SimRequest, SimulatorContext } from './simulator-context.js';
import { parseJson } from './http-io.js';
import type { AuthAnswer } from './token-store.js';

function outcomeOf(context: SimulatorContext, answer: AuthAnswer): HandlerOutcome {
  const refresh = context.stats.counters.refreshCalls;
  if (answer.status !== 200) refresh.failed++;
  context.stats.countAccount(refresh.byAccount, answer.accountId);
  return {
    status: answer.status,
    answer: { status: answer.status, body: answer.body, headers: answer.headers },
    accountId: answer.accountId,
    rejectedBy: answer.status === 200 ? undefined : 'refresh-refused',
  };
}

const MALFORMED: AuthAnswer = {
  status: 400,
  body: { error: 'invalid_request', error_description: 'Request body is not valid JSON' },
};

/** The answer is computed (tokens rotated) first; a test's hold then delays only its delivery. */
async function answerAfterHold(context: SimulatorContext, answer: AuthAnswer): Promise<HandlerOutcome> {
  await context.refreshHolds.pass(answer.accountId, context.shutdown);
  return outcomeOf(context, answer);
}

export function handleSocialRefresh(context: SimulatorContext, request: SimRequest): Promise<HandlerOutcome> {
  context.stats.counters.refreshCalls.social++;
  const parsed = parseJson(request.body);
  return answerAfterHold(context, parsed.ok ? context.tokens.refreshSocial(parsed.value) : MALFORMED);
}

export function handleIdcRefresh(context: SimulatorContext, request: SimRequest): Promise<HandlerOutcome> {
  context.stats.counters.refreshCalls.idc++;
  const parsed = parseJson(request.body);
  return answerAfterHold(context, parsed.ok ? context.tokens.refreshIdc(parsed.value) : MALFORMED);
}
