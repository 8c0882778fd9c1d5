// Failures after the response began (mid-stream exceptions, corrupt frames, truncated tool calls:
// hard case 4) and clients that go away, mid-stream or while the upstream has not answered yet.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SimScript } from '../../src/simulator/script-types.js';
import {
  blockTypes,
  collectSse,
  eventsOfType,
  messageDelta,
  post,
  postJson,
  streamedText,
} from '../helpers/collect-sse.js';
import type { SseResult } from '../helpers/collect-sse.js';
import type { Stack } from '../helpers/start-stack.js';
import { startStack } from '../helpers/start-stack.js';
import type { TcpProxy } from '../helpers/tcp-proxy.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { chatRequests } from '../helpers/upstream-requests.js';

const MODEL = 'claude-sonnet-4-6';
const request = (text: string) => ({
  model: MODEL,
  max_tokens: 256,
  messages: [{ role: 'user' as const, content: text }],
});
const lastEvent = (result: SseResult) => result.events.at(-1)!;

describe('failures during a stream', () => {
  let stack: Stack;
  let proxy: TcpProxy;
  beforeAll(async () => {
    proxy = await startTcpProxy();
    stack = await startStack({ config: { apiBaseUrl: proxy.url } });
    proxy.target = stack.sim.url;
  });
  afterAll(async () => {
    await stack.close();
    await proxy.close();
  });

  const script = (marker: string, body: SimScript, times = 1) =>
    stack.sim.enqueueScript(body, { messageIncludes: marker, times });

  it('a mid-stream InternalServerException becomes an SSE error event, never a silent end_turn, and is not retried', async () => {
    const steps = [
      { type: 'text' as const, text: 'Working on it' },
      { type: 'exception' as const, exceptionType: 'InternalServerException' },
    ];
    script('mid-exception', { steps }, 3);
    const before = chatRequests(stack).length;
    const raw = await collectSse(stack, request('mid-exception'));
    expect(raw.violations).toEqual([]);
    expect(streamedText(raw.events)).toBe('Working on it');
    expect(eventsOfType(raw.events, 'message_delta')).toEqual([]);
    expect(lastEvent(raw)).toMatchObject({
      type: 'error',
      error: { type: 'api_error', message: expect.stringContaining('InternalServerException') },
    });
    // No failover once bytes reached the client.
    expect(chatRequests(stack)).toHaveLength(before + 1);

    await expect(
      stack.anthropic.messages.stream(request('mid-exception via SDK')).finalMessage(),
    ).rejects.toBeInstanceOf(Anthropic.APIError);
    const plain = await postJson(stack, request('mid-exception non-stream'));
    expect(plain.status).toBe(502);
    expect(plain.body).toMatchObject({ type: 'error', error: { type: 'api_error' } });
  });

  it.each([
    ['a bad message CRC', { type: 'badCrc' as const }],
    ['a bad prelude CRC', { type: 'badCrc' as const, part: 'prelude' as const }],
    ['a truncated frame', { type: 'truncate' as const }],
    ['a dropped connection', { type: 'truncate' as const, close: 'destroy' as const }],
  ])('%s after text ends the stream with an error event', async (name, fault) => {
    const marker = `fault ${name}`;
    // The pause lets the text reach the gateway first: a reset can discard bytes not yet read.
    script(marker, {
      steps: [
        { type: 'text', text: 'Some text first. ' },
        { type: 'delay', ms: 50 },
        fault,
        { type: 'text', text: 'never seen' },
      ],
    });
    const before = chatRequests(stack).length;
    const raw = await collectSse(stack, request(marker));
    expect(raw.violations).toEqual([]);
    expect(streamedText(raw.events)).toBe('Some text first. ');
    expect(lastEvent(raw)).toMatchObject({ type: 'error', error: { type: 'api_error' } });
    expect(chatRequests(stack)).toHaveLength(before + 1);
  });

  it.each([
    ['a bad message CRC', { type: 'badCrc' as const }],
    ['a dropped connection', { type: 'truncate' as const, close: 'destroy' as const }],
  ])('%s before any content is retried: the client only sees the retry', async (name, fault) => {
    const marker = `early fault ${name}`;
    script(marker, { steps: [{ type: 'metering' }, fault, { type: 'text', text: 'never seen' }] });
    const before = chatRequests(stack).length;
    const raw = await collectSse(stack, request(marker));
    expect(raw.violations).toEqual([]);
    expect(streamedText(raw.events)).toContain(marker);
    expect(messageDelta(raw.events).delta.stop_reason).toBe('end_turn');
    expect(chatRequests(stack)).toHaveLength(before + 2);
  });

  describe('hard case 4: truncated tool-call stream', () => {
    const bigWrite = { file_path: '/src/big.ts', content: 'export const line = 1;\n'.repeat(600) };
    const truncated: SimScript = {
      steps: [
        { type: 'text', text: 'Writing the file.' },
        { type: 'toolUse', name: 'Write', input: bigWrite },
      ],
    };

    it('never streams a tool_use with invented input: a notice and stop_reason max_tokens', async () => {
      script('truncate-stream', truncated);
      const raw = await collectSse(stack, request('truncate-stream'));
      expect(raw.violations).toEqual([]);
      expect(blockTypes(raw.events)).toEqual(['text', 'text']);
      expect(streamedText(raw.events)).toMatch(
        /^Writing the file\.\[kirogate\] Not run: the `Write` tool call \(file_path: \/src\/big\.ts\) was cut off/,
      );
      expect(messageDelta(raw.events).delta.stop_reason).toBe('max_tokens');
    });

    it('non-streaming: the same notice, no tool_use block, and the session keeps working', async () => {
      script('truncate-plain', truncated);
      const message = await stack.anthropic.messages.create({ ...request('truncate-plain'), stream: false });
      expect(message.stop_reason).toBe('max_tokens');
      expect(message.content.map((block) => block.type)).toEqual(['text', 'text']);
      expect(message.content[1]).toMatchObject({
        type: 'text',
        text: expect.stringContaining('was cut off by the upstream'),
      });
      const next = await stack.anthropic.messages.create(request('carry on'));
      expect(next.stop_reason).toBe('end_turn');
    });

    it('reassembles fragments of one tool call interleaved with text', async () => {
      const id = 'tooluse_interleaved000000000';
      const fragment = (input: string, stop = false) => ({
        type: 'event' as const,
        eventType: 'toolUseEvent',
        payload: { name: 'Read', toolUseId: id, input, ...(stop ? { stop: true } : {}) },
      });
      script(
        'interleave',
        {
          steps: [
            fragment('{"file_'),
            { type: 'text', text: 'Interleaved text.' },
            fragment('path":"/i.ts"}'),
            fragment('', true),
          ],
        },
        2,
      );
      const raw = await collectSse(stack, request('interleave'));
      expect(raw.violations).toEqual([]);
      expect(blockTypes(raw.events)).toEqual(['text', 'tool_use']);
      const message = await stack.anthropic.messages.stream(request('interleave')).finalMessage();
      expect(message.content).toEqual([
        { type: 'text', text: 'Interleaved text.' },
        { type: 'tool_use', id, name: 'Read', input: { file_path: '/i.ts' } },
      ]);
      expect(message.stop_reason).toBe('tool_use');
    });
  });

  describe('client disconnect', () => {
    const settled = async () => {
      await vi.waitFor(() => expect(stack.gateway.services.pool.list()[0]!.inFlight).toBe(0));
      return stack.gateway.services.requestLog!.recent(1)[0]!;
    };

    it('mid-stream: the upstream request is aborted and the gateway keeps serving', async () => {
      script('hang-mid-stream', { steps: [{ type: 'text', text: 'partial answer' }, { type: 'hang' }] });
      const controller = new AbortController();
      const response = await post(
        stack,
        { ...request('hang-mid-stream'), stream: true },
        { signal: controller.signal },
      );
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let seen = '';
      while (!seen.includes('partial answer')) {
        const { done, value } = await reader.read();
        if (done) throw new Error(`the stream ended before the partial answer: ${seen}`);
        seen += decoder.decode(value, { stream: true });
      }
      controller.abort();
      await proxy.waitForClosed('hang-mid-stream');
      expect((await settled()).status).toBe(499);
      const next = await stack.anthropic.messages.create(request('after the disconnect'));
      expect(next.content[0]).toMatchObject({
        type: 'text',
        text: expect.stringContaining('after the disconnect'),
      });
    });

    it('through the SDK: aborting a stream releases the upstream', async () => {
      script('sdk-abort', { steps: [{ type: 'text', text: 'streaming…' }, { type: 'hang' }] });
      const stream = stack.anthropic.messages.stream(request('sdk-abort'));
      await new Promise<void>((resolve) => stream.on('text', () => resolve()));
      stream.abort();
      await expect(stream.finalMessage()).rejects.toBeInstanceOf(Anthropic.APIUserAbortError);
      await proxy.waitForClosed('sdk-abort');
      await settled();
    });

    it('while waiting for upstream headers: the pending upstream request is aborted too', async () => {
      proxy.stall = true;
      const controller = new AbortController();
      const pending = post(
        stack,
        { ...request('stalled-upstream'), stream: true },
        { signal: controller.signal },
      );
      try {
        await proxy.waitForRequest('stalled-upstream');
        controller.abort();
        await expect(pending).rejects.toThrow();
        await proxy.waitForClosed('stalled-upstream');
      } finally {
        proxy.stall = false;
      }
      expect((await settled()).status).toBe(499);
      const next = await stack.anthropic.messages.create(request('after the stall'));
      expect(next.stop_reason).toBe('end_turn');
    });
  });
});

describe('a stalled upstream (upstreamIdleTimeoutSeconds: 1)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ config: { upstreamIdleTimeoutSeconds: 1 } });
  });
  afterAll(() => stack.close());

  it('silence mid-stream ends the stream with a timeout_error event, and a non-stream request with 504', async () => {
    const stall: SimScript = { steps: [{ type: 'text', text: 'Started, then silence.' }, { type: 'hang' }] };
    stack.sim.enqueueScript(stall, { messageIncludes: 'stall', times: 2 });
    const raw = await collectSse(stack, request('stall streaming'));
    expect(raw.violations).toEqual([]);
    expect(streamedText(raw.events)).toBe('Started, then silence.');
    expect(lastEvent(raw)).toMatchObject({ type: 'error', error: { type: 'timeout_error' } });
    const plain = await postJson(stack, request('stall plain'));
    expect(plain.status).toBe(504);
    expect(plain.body).toMatchObject({ type: 'error', error: { type: 'timeout_error' } });
  });
});
