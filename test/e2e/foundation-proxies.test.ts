// Upstream proxies (§6.5, §6.6): global and per credential, HTTP CONNECT and SOCKS5, both with authentication,
// used by refresh, chat and usage calls alike; `direct` opts a credential out of the global proxy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigFile } from '../../src/config/config-schema.js';
import type { ProxyCredentials, TestProxy } from '../helpers/connect-proxy.js';
import { startConnectProxy } from '../helpers/connect-proxy.js';
import { startSocks5Proxy } from '../helpers/socks5-proxy.js';
import type { Stack } from '../helpers/start-stack.js';
import { startStack } from '../helpers/start-stack.js';

const HTTP_AUTH: ProxyCredentials = { username: 'http-user', password: 'p@ss:word' };
const SOCKS_AUTH: ProxyCredentials = { username: 'socks-user', password: 's3cret' };
/** Refresh, chat and usage, in the order one account makes them. */
// The account's model list is learned before its first chat (README "Models"). Sorted: the log groups
// requests by tunnel, and which keep-alive connection each call reuses is not fixed.
const ALL_CALLS = [
  'GET /ListAvailableModels',
  'GET /getUsageLimits',
  'POST /generateAssistantResponse',
  'POST /refreshToken',
];

let httpProxy: TestProxy;
let socksProxy: TestProxy;
beforeAll(async () => {
  [httpProxy, socksProxy] = await Promise.all([startConnectProxy(HTTP_AUTH), startSocks5Proxy(SOCKS_AUTH)]);
});
afterAll(async () => {
  await Promise.all([httpProxy.close(), socksProxy.close()]);
});

function globalHttp(): Partial<ConfigFile> {
  return { proxyUrl: httpProxy.url, proxyUsername: HTTP_AUTH.username, proxyPassword: HTTP_AUTH.password };
}

function credentialSocks(): Record<string, unknown> {
  return { proxyUrl: socksProxy.url, proxyUsername: SOCKS_AUTH.username, proxyPassword: SOCKS_AUTH.password };
}

/** Runs one account's refresh, a chat request and a usage lookup; returns what each proxy saw meanwhile. */
async function exercise(stackOptions: Parameters<typeof startStack>[0]) {
  const before = { http: httpProxy.requestLines().length, socks: socksProxy.requestLines().length };
  const connections = { http: httpProxy.connections, socks: socksProxy.connections };
  const stack: Stack = await startStack(stackOptions);
  try {
    const message = await stack.anthropic.messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 20,
      messages: [{ role: 'user', content: 'through the proxy' }],
    });
    expect(message.content[0]).toMatchObject({ type: 'text' });
    await stack.gateway.services.accounts.refreshUsage(stack.gateway.services.pool.list()[0]!);
    expect(stack.sim.stats.refreshCalls.social).toBe(1);
  } finally {
    await stack.close();
  }
  return {
    http: httpProxy.requestLines().slice(before.http).sort(),
    socks: socksProxy.requestLines().slice(before.socks).sort(),
    httpConnections: httpProxy.connections - connections.http,
    socksConnections: socksProxy.connections - connections.socks,
  };
}

describe('upstream proxies', () => {
  it('a global HTTP proxy with credentials carries refresh, chat and usage', async () => {
    const seen = await exercise({ config: globalHttp() });
    expect(seen.http).toEqual(ALL_CALLS);
    expect(seen.httpConnections).toBeGreaterThan(0);
    expect(seen.socks).toEqual([]);
    expect(httpProxy.rejected).toBe(0);
  });

  it('a global SOCKS5 proxy with credentials carries refresh, chat and usage', async () => {
    const seen = await exercise({
      config: {
        proxyUrl: socksProxy.url,
        proxyUsername: SOCKS_AUTH.username,
        proxyPassword: SOCKS_AUTH.password,
      },
    });
    expect(seen.socks).toEqual(ALL_CALLS);
    expect(seen.socksConnections).toBeGreaterThan(0);
    expect(seen.http).toEqual([]);
    expect(socksProxy.rejected).toBe(0);
  });

  it('a per-credential SOCKS5 proxy beats the global HTTP proxy', async () => {
    const seen = await exercise({ config: globalHttp(), credentialFields: [credentialSocks()] });
    expect(seen.socks).toEqual(ALL_CALLS);
    expect(seen.http).toEqual([]);
    expect(seen.httpConnections).toBe(0);
  });

  it('a per-credential HTTP proxy works without a global one, credentials in the URL', async () => {
    const url = new URL(httpProxy.url);
    url.username = encodeURIComponent(HTTP_AUTH.username);
    url.password = encodeURIComponent(HTTP_AUTH.password);
    const seen = await exercise({ credentialFields: [{ proxyUrl: url.toString() }] });
    expect(seen.http).toEqual(ALL_CALLS);
    expect(seen.socks).toEqual([]);
  });

  it('"direct" opts a credential out of the global proxy', async () => {
    const seen = await exercise({ config: globalHttp(), credentialFields: [{ proxyUrl: 'direct' }] });
    expect(seen).toEqual({ http: [], socks: [], httpConnections: 0, socksConnections: 0 });
  });

  it('a proxy refusing the credentials fails the request with an error instead of hanging', async () => {
    const rejectedBefore = httpProxy.rejected;
    const stack = await startStack({
      config: { ...globalHttp(), proxyPassword: 'wrong', maxAttemptsPerRequest: 2 },
    });
    try {
      const error = await stack.anthropic.messages
        .create({ model: 'claude-sonnet-4-6', max_tokens: 20, messages: [{ role: 'user', content: 'x' }] })
        .catch((failure: unknown) => failure);
      expect(error).toMatchObject({ status: expect.any(Number) as number });
      expect((error as { status: number }).status).toBeGreaterThanOrEqual(500);
      expect(httpProxy.rejected).toBeGreaterThan(rejectedBefore);
      expect(stack.sim.stats.refreshCalls.social).toBe(0);
    } finally {
      await stack.close();
    }
  });
});
