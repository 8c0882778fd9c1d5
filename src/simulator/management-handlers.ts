// getUsageLimits, ListAvailableModels, listAvailableProfiles, getProfile (protocol §1.1, §7).

import type { HandlerOutcome, SimRequest, SimulatorContext } from './simulator-context.js';
import { answerWith, headerValue, namespaceOf } from './simulator-context.js';
import { parseJson } from './http-io.js';
import { isObject } from './request-rejection.js';
import type { AccountRecord } from './token-store.js';
import { bearerInvalid, improperlyFormed, notAuthorized } from './upstream-errors.js';
import { buildUsageLimits } from './usage-limits.js';

/** Parameters come from the query string (REST) or the JSON body (X-Amz-Target). */
interface ManagementParams {
  profileArn: string | undefined;
  isEmailRequired: boolean;
}

function readParams(request: SimRequest): ManagementParams | undefined {
  if (request.method === 'GET') {
    return {
      profileArn: request.query.get('profileArn') ?? undefined,
      isEmailRequired: request.query.get('isEmailRequired') === 'true',
    };
  }
  if (request.body.length === 0) return { profileArn: undefined, isEmailRequired: false };
  const parsed = parseJson(request.body);
  if (!parsed.ok || !isObject(parsed.value)) return undefined;
  const { profileArn, isEmailRequired } = parsed.value;
  return {
    profileArn: typeof profileArn === 'string' ? profileArn : undefined,
    isEmailRequired: isEmailRequired === true || isEmailRequired === 'true',
  };
}

type Authorised =
  { ok: true; account: AccountRecord; params: ManagementParams } | { ok: false; outcome: HandlerOutcome };

function authorise(context: SimulatorContext, request: SimRequest, needsProfile: boolean): Authorised {
  const namespace = namespaceOf(request.host);
  const account = context.tokens.authenticate(
    headerValue(request.headers, 'authorization'),
    headerValue(request.headers, 'tokentype'),
    context.options.requireApiKeyTokenType,
  );
  if (!account)
    return { ok: false, outcome: answerWith(bearerInvalid(namespace), undefined, 'bearer-invalid') };
  const params = readParams(request);
  if (!params) return { ok: false, outcome: answerWith(improperlyFormed(), account.id, 'body-not-json') };
  const { profileArn } = params;
  const mismatch =
    context.options.enforceProfileArnMatch && profileArn !== undefined && profileArn !== account.profileArn;
  // IdC accounts are "not authorized" without their profile (user-needs §12).
  const missing =
    needsProfile &&
    context.options.requireProfileArnForIdcManagement &&
    account.authMethod === 'idc' &&
    account.profileArn !== undefined &&
    profileArn === undefined;
  if (mismatch || missing) {
    const rule = mismatch ? 'profile-arn-mismatch' : 'profile-arn-missing';
    return { ok: false, outcome: answerWith(notAuthorized(namespace), account.id, rule) };
  }
  return { ok: true, account, params };
}

export function handleUsageLimits(context: SimulatorContext, request: SimRequest): HandlerOutcome {
  context.stats.counters.usageLimitCalls++;
  const auth = authorise(context, request, true);
  if (!auth.ok) return auth.outcome;
  const body = buildUsageLimits(auth.account, context.clock.now(), auth.params.isEmailRequired);
  return { status: 200, answer: { status: 200, body }, accountId: auth.account.id };
}

export function handleListModels(context: SimulatorContext, request: SimRequest): HandlerOutcome {
  context.stats.counters.modelListCalls++;
  const auth = authorise(context, request, true);
  if (!auth.ok) return auth.outcome;
  return {
    status: 200,
    answer: { status: 200, body: context.models.forAccount(auth.account.models).listResponse() },
    accountId: auth.account.id,
  };
}

function describeProfile(arn: string): Record<string, unknown> {
  const region = arn.split(':')[3] ?? 'us-east-1';
  return { arn, profileName: 'KiroProfile', profileType: 'Q_DEVELOPER', status: 'ACTIVE', region };
}

/** Builder ID and API-key accounts have no profile: 403 (§1.1). */
export function handleListProfiles(context: SimulatorContext, request: SimRequest): HandlerOutcome {
  context.stats.counters.profileCalls++;
  const auth = authorise(context, request, false);
  if (!auth.ok) return auth.outcome;
  const arn = auth.account.profileArn;
  if (arn === undefined)
    return answerWith(notAuthorized(namespaceOf(request.host)), auth.account.id, 'no-profile');
  return {
    status: 200,
    answer: { status: 200, body: { profiles: [describeProfile(arn)] } },
    accountId: auth.account.id,
  };
}

export function handleGetProfile(context: SimulatorContext, request: SimRequest): HandlerOutcome {
  context.stats.counters.profileCalls++;
  const auth = authorise(context, request, false);
  if (!auth.ok) return auth.outcome;
  const arn = auth.params.profileArn;
  if (arn === undefined) return answerWith(improperlyFormed(), auth.account.id, 'profile-arn-missing');
  return {
    status: 200,
    answer: { status: 200, body: { profile: describeProfile(arn) } },
    accountId: auth.account.id,
  };
}
