// Routes every HTTP request: Kiro paths (REST and X-Amz-Target), host prefixes, control routes.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleIdcRefresh, handleSocialRefresh } from './auth-handlers.js';
import { handleChat } from './chat-handler.js';
import type { SimulatorControl } from './control-routes.js';
import { CONTROL_PREFIX, handleControl } from './control-routes.js';
import { parseJson, readBody, sendAnswer } from './http-io.js';
import {
  handleGetProfile,
  handleListModels,
  handleListProfiles,
  handleUsageLimits,
} from './management-handlers.js';
import { handleMcp } from './mcp-handler.js';
import type { HandlerOutcome, SimHost, SimRequest, SimulatorContext } from './simulator-context.js';
import { headerValue } from './simulator-context.js';

type Handler = (
  context: SimulatorContext,
  request: SimRequest,
  response: ServerResponse,
) => HandlerOutcome | Promise<HandlerOutcome>;

interface Route {
  method: string;
  handler: Handler;
  /** Only on the root (auth hosts have no prefix). */
  rootOnly?: boolean;
}

/** Paths are matched case-insensitively; clients disagree on `ListAvailableModels` casing. */
const ROUTES: Record<string, Route> = {
  '/generateassistantresponse': { method: 'POST', handler: handleChat },
  '/': { method: 'POST', handler: handleAmzTarget },
  '/getusagelimits': { method: 'GET', handler: handleUsageLimits },
  '/listavailablemodels': { method: 'GET', handler: handleListModels },
  '/listavailableprofiles': { method: 'POST', handler: handleListProfiles },
  '/getprofile': { method: 'POST', handler: handleGetProfile },
  '/mcp': { method: 'POST', handler: handleMcp },
  '/refreshtoken': { method: 'POST', handler: handleSocialRefresh, rootOnly: true },
  '/token': { method: 'POST', handler: handleIdcRefresh, rootOnly: true },
};

/** awsJson1.0 operations (§1.3), by the part after the service name. */
const TARGETS: Record<string, Handler> = {
  GenerateAssistantResponse: handleChat,
  SendMessage: handleChat,
  InvokeMCP: handleMcp,
  GetUsageLimits: handleUsageLimits,
  ListAvailableModels: handleListModels,
  ListAvailableProfiles: handleListProfiles,
  GetProfile: handleGetProfile,
};
const SERVICES = new Set([
  'AmazonCodeWhispererStreamingService',
  'AmazonCodeWhispererService',
  'AmazonQDeveloperStreamingService',
]);

function handleAmzTarget(
  context: SimulatorContext,
  request: SimRequest,
  response: ServerResponse,
): Promise<HandlerOutcome> | HandlerOutcome {
  const target = headerValue(request.headers, 'x-amz-target') ?? '';
  const dot = target.lastIndexOf('.');
  const handler = SERVICES.has(target.slice(0, dot)) ? TARGETS[target.slice(dot + 1)] : undefined;
  if (!handler) {
    const body = { __type: 'com.amazon.coral.service#UnknownOperationException', message: null };
    return { status: 400, answer: { status: 400, body }, rejectedBy: 'unknown-target' };
  }
  return handler(context, request, response);
}

function splitHost(path: string): { host: SimHost; rest: string } {
  for (const host of ['runtime', 'management'] as const) {
    const prefix = `/${host}`;
    if (path === prefix || path.startsWith(`${prefix}/`))
      return { host, rest: path.slice(prefix.length) || '/' };
  }
  return { host: 'q', rest: path };
}

async function route(
  context: SimulatorContext,
  request: SimRequest,
  response: ServerResponse,
): Promise<HandlerOutcome> {
  const route = ROUTES[request.path.toLowerCase()];
  if (!route || (route.rootOnly && request.host !== 'q')) {
    const message = `No route for ${request.method} ${request.path}`;
    return { status: 404, answer: { status: 404, body: { message, reason: null } }, rejectedBy: 'no-route' };
  }
  if (route.method !== request.method) {
    const answer = {
      status: 405,
      body: { message: 'Method Not Allowed', reason: null },
      headers: { allow: route.method },
    };
    return { status: 405, answer, rejectedBy: 'method' };
  }
  return route.handler(context, request, response);
}

async function serveControl(
  control: SimulatorControl,
  incoming: IncomingMessage,
  response: ServerResponse,
  path: string,
): Promise<void> {
  const { bytes } = await readBody(incoming);
  const parsed = bytes.length === 0 ? { ok: true as const, value: undefined } : parseJson(bytes);
  const answer = parsed.ok
    ? handleControl(control, incoming.method ?? 'GET', path.slice(CONTROL_PREFIX.length), parsed.value)
    : { status: 400, body: { error: 'body is not JSON' } };
  sendAnswer(response, answer, 'control');
}

function bodyForRecord(request: SimRequest): unknown {
  if (request.body.length === 0) return undefined;
  const parsed = parseJson(request.body);
  return parsed.ok ? parsed.value : request.body.subarray(0, 65_536).toString('utf8');
}

/** The node:http request listener. It never throws: failures become a 500 JSON answer. */
export function createRequestListener(
  context: SimulatorContext,
  control: SimulatorControl,
): (incoming: IncomingMessage, response: ServerResponse) => void {
  const serve = async (incoming: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(incoming.url ?? '/', 'http://simulator');
    const path = url.pathname;
    if (path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`)) {
      if (context.options.controlRoutes) return serveControl(control, incoming, response, path);
    }
    const { host, rest } = splitHost(path);
    const { bytes, overflow } = await readBody(incoming);
    const request: SimRequest = {
      method: incoming.method ?? 'GET',
      path: rest,
      query: url.searchParams,
      headers: incoming.headers,
      host,
      body: bytes,
      bodyOverflow: overflow,
      requestId: context.random.uuid(),
    };
    const outcome = await route(context, request, response);
    if (outcome.answer) sendAnswer(response, outcome.answer, request.requestId);
    const { accountId, rejectedBy, status } = outcome;
    const entry = {
      at: context.clock.now(),
      method: request.method,
      path: `${path}${url.search}`,
      status,
      accountId,
      rejectedBy,
    };
    context.stats.record(entry, incoming.headers, bodyForRecord(request));
    context.logger.debug(
      { method: request.method, path, status, accountId, rejectedBy },
      'simulator request',
    );
    if (outcome.stream) await outcome.stream();
  };
  return (incoming, response) => {
    serve(incoming, response).catch((error: unknown) => {
      context.logger.error({ err: error, url: incoming.url }, 'simulator request failed');
      failRequest(response);
    });
  };
}

/** Mid-stream there is no status left to send: drop the connection so the client notices. */
function failRequest(response: ServerResponse): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  sendAnswer(response, { status: 500, body: { message: 'Simulator internal error', reason: null } }, 'error');
}
