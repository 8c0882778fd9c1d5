import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AnthropicMessagesRequest } from '../protocols/anthropic/messages-request.js';
import { countTokensRemote, type CountTokensRemoteOptions } from './count-tokens-remote.js';

const API_KEY = 'sk-secret-count-key-0123456789';

interface Received {
  method: string | undefined;
  path: string | undefined;
  headers: IncomingHttpHeaders;
  body: unknown;
}

let server: Server;
let baseUrl: string;
let received: Received[] = [];
let respond: (response: ServerResponse) => void = () => undefined;
const dispatcher = new Agent({ connections: 4 });

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        method: request.method,
        path: request.url,
        headers: request.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      });
      respond(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => {
  received = [];
  server.closeAllConnections();
});

afterAll(async () => {
  await dispatcher.close();
  await new Promise((resolve) => server.close(resolve));
});

const requestBody: AnthropicMessagesRequest = {
  model: 'claude-sonnet-4-5',
  max_tokens: 1024,
  stream: true,
  system: 'You are terse.',
  messages: [{ role: 'user', content: 'Hello' }],
  tools: [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object' } }],
  metadata: { user_id: 'user_1' },
};

function options(
  overrides: Partial<CountTokensRemoteOptions> = {},
): CountTokensRemoteOptions & { failures: string[] } {
  const failures: string[] = [];
  return {
    url: `${baseUrl}/v1/messages/count_tokens`,
    apiKey: API_KEY,
    authType: 'x-api-key',
    dispatcher,
    timeoutMs: 2000,
    onFailure: (reason) => failures.push(reason),
    failures,
    ...overrides,
  };
}

function json(status: number, body: string) {
  return (response: ServerResponse) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(body);
  };
}

describe('countTokensRemote', () => {
  it('posts the count request with x-api-key and returns input_tokens', async () => {
    respond = json(200, '{"input_tokens":1234}');
    const opts = options();
    await expect(countTokensRemote(requestBody, opts)).resolves.toBe(1234);
    const [call] = received;
    expect(call?.method).toBe('POST');
    expect(call?.path).toBe('/v1/messages/count_tokens');
    expect(call?.headers['x-api-key']).toBe(API_KEY);
    expect(call?.headers.authorization).toBeUndefined();
    expect(call?.headers['content-type']).toBe('application/json');
    expect(call?.headers['anthropic-version']).toBe('2023-06-01');
    // Only the fields count_tokens accepts: no max_tokens, stream or metadata.
    expect(call?.body).toEqual({
      model: 'claude-sonnet-4-5',
      system: 'You are terse.',
      messages: [{ role: 'user', content: 'Hello' }],
      tools: [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object' } }],
    });
    expect(opts.failures).toEqual([]);
  });

  it('sends Authorization: Bearer for the bearer auth type', async () => {
    respond = json(200, '{"input_tokens":7,"extra":true}');
    await expect(countTokensRemote(requestBody, options({ authType: 'bearer' }))).resolves.toBe(7);
    expect(received[0]?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(received[0]?.headers['x-api-key']).toBeUndefined();
  });

  it('sends no auth header without a key', async () => {
    respond = json(200, '{"input_tokens":7}');
    await expect(countTokensRemote(requestBody, options({ apiKey: undefined }))).resolves.toBe(7);
    expect(received[0]?.headers.authorization).toBeUndefined();
    expect(received[0]?.headers['x-api-key']).toBeUndefined();
  });

  it.each([
    ['a 500', json(500, '{"error":"boom"}'), 'status 500'],
    ['a 401', json(401, `{"error":"invalid key ${API_KEY}"}`), 'status 401'],
    ['invalid JSON', json(200, '{"input_tokens":'), 'invalid response body'],
    ['a body without input_tokens', json(200, '{"tokens":5}'), 'invalid response body'],
    ['a negative count', json(200, '{"input_tokens":-1}'), 'invalid response body'],
  ])('falls back (undefined) on %s', async (_, handler, reason) => {
    respond = handler;
    const opts = options();
    await expect(countTokensRemote(requestBody, opts)).resolves.toBeUndefined();
    expect(opts.failures).toEqual([reason]);
  });

  it('falls back when the server does not answer in time', async () => {
    respond = () => undefined; // never answers
    const opts = options({ timeoutMs: 100 });
    await expect(countTokensRemote(requestBody, opts)).resolves.toBeUndefined();
    expect(opts.failures).toEqual(['timeout']);
  });

  it('falls back when nothing listens, without leaking the key', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const opts = options({ url: `http://127.0.0.1:${port}/count` });
    await expect(countTokensRemote(requestBody, opts)).resolves.toBeUndefined();
    expect(opts.failures).toEqual(['network error ECONNREFUSED']);
  });

  it('never puts the key into a failure reason', async () => {
    respond = json(403, `{"error":"${API_KEY}"}`);
    const opts = options({ authType: 'bearer' });
    await countTokensRemote(requestBody, opts);
    expect(opts.failures.join(' ')).not.toContain(API_KEY);
  });
});
