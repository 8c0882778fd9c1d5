// The direct baseline's request: the very Kiro request a gateway sent, taken from the simulator's
// record, with the access token the gateway used.

import { request } from 'undici';
import type { Agent } from 'undici';
import type { DirectTarget, GatewayTarget } from './load.js';
import { gatewaySender } from './load.js';
import { TAG_PLACEHOLDER } from './workload.js';

export async function simJson(
  simulatorUrl: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<unknown> {
  const response = await request(`${simulatorUrl}/__sim${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const json: unknown = await response.body.json();
  if (response.statusCode >= 300) throw new Error(`simulator ${method} ${path}: ${JSON.stringify(json)}`);
  return json;
}

interface RecordedRequest {
  path: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

const HOP_HEADERS = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'keep-alive',
  'authorization',
]);

/**
 * Sends one gateway request with the bare placeholder as its tag (the default reply answers it) and
 * takes the Kiro request it caused from the simulator's record: same path, headers and body, with
 * the access token the gateway used.
 */
export async function captureDirectTarget(
  agent: Agent,
  gateway: GatewayTarget,
  simulatorUrl: string,
  accountId: string,
): Promise<DirectTarget> {
  const sample = await gatewaySender(agent, gateway)(TAG_PLACEHOLDER);
  if (!sample.ok) throw new Error('the capture request through the gateway failed');
  const stats = (await simJson(simulatorUrl, 'GET', '/stats')) as { requests: RecordedRequest[] };
  const recorded = stats.requests
    .filter((entry) => /generateassistantresponse/i.test(entry.path) && entry.status === 200)
    .at(-1);
  if (!recorded) throw new Error('the simulator recorded no generateAssistantResponse');
  const account = (await simJson(simulatorUrl, 'GET', `/accounts/${accountId}`)) as { accessToken: string };
  const headers = Object.fromEntries(
    Object.entries(recorded.headers).filter(([name]) => !HOP_HEADERS.has(name)),
  );
  headers.authorization = `Bearer ${account.accessToken}`;
  const bodyTemplate = JSON.stringify(recorded.body);
  if (bodyTemplate.split(TAG_PLACEHOLDER).length !== 2)
    throw new Error('the captured body lost the tag placeholder');
  return { url: `${simulatorUrl}${recorded.path}`, headers, bodyTemplate };
}
