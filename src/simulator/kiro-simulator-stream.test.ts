import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventStreamError } from '../upstream/event-stream/event-stream-error.js';
import { FrameDecoder } from '../upstream/event-stream/frame-decoder.js';
import { countTextTokens } from '../tokens/claude-tokenizer.js';
import { countRequestInputTokens } from './context-usage.js';
import { KiroSimulator } from './kiro-simulator.js';
import type { SimAccount } from './sim-account.js';
import type { SimScript, SplitMode } from './script-types.js';
import { bodyBytes, chat, hex, readEvents, simpleRequest, textOf } from './simulator-test-helpers.js';
import { meterCredits } from './usage-limits.js';

// Protocol §4.3, copied from the document.
const VECTOR_A =
  '0000007c0000005c3bddcf780b3a6576656e742d74797065070016617373697374616e74526573706f6e73654576656e740d3a636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e0d3a6d6573736167652d747970650700056576656e747b22636f6e74656e74223a224869227db02babdc';
const VECTOR_B =
  '0000009c00000052f4b125a00b3a6576656e742d7479706507000c746f6f6c5573654576656e740d3a636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e0d3a6d6573736167652d747970650700056576656e747b2273746f70223a747275652c226e616d65223a226765745f77656174686572222c22746f6f6c5573654964223a22746f6f6c7573655f31227dea198ebb';
const VECTOR_C =
  '0000009c0000006c35d0380b0f3a657863657074696f6e2d7479706507001e436f6e74656e744c656e6774684578636565646564457863657074696f6e0d3a636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e0d3a6d6573736167652d74797065070009657863657074696f6e7b226d657373616765223a22496e70757420697320746f6f206c6f6e672e227de5edf7a0';

describe('KiroSimulator event streams', () => {
  let simulator: KiroSimulator;
  let account: SimAccount;

  beforeEach(async () => {
    simulator = await KiroSimulator.start();
    account = simulator.addAccount({ authMethod: 'social' });
  });
  afterEach(() => simulator.close());

  async function scripted(script: SimScript, content = 'hello'): Promise<Response> {
    simulator.enqueueScript(script);
    const response = await chat(simulator, account, simpleRequest(content));
    expect(response.status).toBe(200);
    return response;
  }

  async function decodeError(response: Response): Promise<unknown> {
    return readEvents(response).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
  }

  function expectStreamError(error: unknown, code: string): void {
    expect(error).toBeInstanceOf(EventStreamError);
    expect(error).toMatchObject({ code });
  }

  /** Raw payload texts, in order, decoded frame by frame. */
  function payloads(bytes: Uint8Array): string[] {
    return new FrameDecoder().push(bytes).map((frame) => Buffer.from(frame.payload).toString('utf8'));
  }

  describe('§4.3 vectors, byte for byte over HTTP', () => {
    it('A: assistantResponseEvent {"content":"Hi"}', async () => {
      const response = await scripted({ steps: [{ type: 'text', text: ['Hi'] }], autoTail: false });
      expect(hex(await bodyBytes(response))).toBe(VECTOR_A);
    });

    it('B: toolUseEvent stop', async () => {
      const payload = { stop: true, name: 'get_weather', toolUseId: 'tooluse_1' };
      const response = await scripted({
        steps: [{ type: 'event', eventType: 'toolUseEvent', payload }],
        autoTail: false,
      });
      expect(hex(await bodyBytes(response))).toBe(VECTOR_B);
    });

    it('C: ContentLengthExceededException', async () => {
      const response = await scripted({
        steps: [{ type: 'exception', exceptionType: 'ContentLengthExceededException' }],
      });
      expect(hex(await bodyBytes(response))).toBe(VECTOR_C);
    });
  });

  describe('default reply', () => {
    it('streams deterministic text in several chunks, then metering, then context usage', async () => {
      const request = simpleRequest('Please summarise the plan');
      const response = await chat(simulator, account, request);
      const events = await readEvents(response);
      const texts = events.filter((event) => event.type === 'text');
      expect(texts.length).toBeGreaterThan(2);
      const text = textOf(events);
      expect(text).toContain('You said: "Please summarise the plan"');
      expect(events.map((event) => event.type).slice(-2)).toEqual(['metering', 'contextUsage']);

      const input = countRequestInputTokens(request);
      const output = countTextTokens(text);
      expect(events.at(-2)).toEqual({
        type: 'metering',
        usage: meterCredits(input, output, 1.3),
        unit: 'credit',
      });
      expect(events.at(-1)).toEqual({ type: 'contextUsage', percentage: (100 * (input + output)) / 200_000 });

      const again = await readEvents(await chat(simulator, account, request));
      expect(again).toEqual(events);
    });

    it('thinks only when the request carries <thinking_mode>', async () => {
      const plain = textOf(await readEvents(await chat(simulator, account, simpleRequest('hi'))));
      expect(plain).not.toContain('<thinking>');
      const request = simpleRequest(
        '<thinking_mode>enabled</thinking_mode><max_thinking_length>20000</max_thinking_length>\nhi',
      );
      const thinking = textOf(await readEvents(await chat(simulator, account, request)));
      expect(thinking).toMatch(/^<thinking>\n.+\n<\/thinking>\n\nThis is the Kiro simulator/s);
    });

    it('can leave context usage input-only', async () => {
      await simulator.close();
      simulator = await KiroSimulator.start({ contextUsageIncludesOutput: false, hiddenPromptTokens: 0 });
      account = simulator.addAccount({ authMethod: 'social' });
      const request = simpleRequest('hi', 'claude-sonnet-4.6');
      const events = await readEvents(await chat(simulator, account, request));
      expect(events.at(-1)).toEqual({
        type: 'contextUsage',
        percentage: (100 * countRequestInputTokens(request, { hiddenPromptTokens: 0 })) / 1_000_000,
      });
    });
  });

  describe('tool calls', () => {
    it('emits name+id, input fragments, then stop, with scanner-friendly key order', async () => {
      const input = { city: 'Paris', days: 3, notes: 'x'.repeat(100) };
      const response = await scripted({
        steps: [
          { type: 'text', text: 'Let me check.' },
          { type: 'toolUse', name: 'get_weather', input, fragments: 3 },
        ],
      });
      const bytes = await bodyBytes(response);
      const tool = payloads(bytes).filter((payload) => payload.includes('toolUseId'));
      expect(tool).toHaveLength(5);
      expect(tool[0]).toMatch(/^\{"name":"get_weather","toolUseId":"tooluse_[A-Za-z0-9_-]{22}"\}$/);
      for (const fragment of tool.slice(1, 4))
        expect(fragment).toMatch(/^\{"input":".+","name":"get_weather","toolUseId":"tooluse_/);
      expect(tool[4]).toMatch(/^\{"stop":true,"name":"get_weather","toolUseId":"tooluse_/);

      const events = await readEvents(
        await scripted({ steps: [{ type: 'toolUse', name: 'get_weather', input }] }),
      );
      const uses = events.filter((event) => event.type === 'toolUse');
      expect(JSON.parse(uses.map((event) => event.input).join(''))).toEqual(input);
      expect(uses.at(-1)).toMatchObject({ stop: true, name: 'get_weather' });
      expect(new Set(uses.map((event) => event.toolUseId)).size).toBe(1);
      expect(events.at(-1)?.type).toBe('contextUsage');
    });

    it('cuts inputs over toolInputLimitBytes mid-JSON, with no stop and no tail', async () => {
      const input = { file_path: '/tmp/big.txt', content: 'y'.repeat(12_000) };
      const events = await readEvents(await scripted({ steps: [{ type: 'toolUse', name: 'Write', input }] }));
      const uses = events.filter((event) => event.type === 'toolUse');
      const sent = uses.map((event) => event.input).join('');
      expect(Buffer.byteLength(sent)).toBe(9216);
      expect(() => JSON.parse(sent) as unknown).toThrow();
      expect(uses.some((event) => event.stop)).toBe(false);
      expect(events.some((event) => event.type === 'contextUsage' || event.type === 'metering')).toBe(false);
      expect(simulator.account(account.id).currentUsage).toBe(0);
    });

    it('truncates at an explicit size too', async () => {
      const events = await readEvents(
        await scripted({
          steps: [{ type: 'toolUse', name: 'Edit', input: { a: 'b'.repeat(50) }, truncateAtBytes: 20 }],
        }),
      );
      expect(events.map((event) => (event.type === 'toolUse' ? event.input : '')).join('')).toBe(
        '{"a":"bbbbbbbbbbbbbb',
      );
    });
  });

  describe('split modes', () => {
    const script: SimScript = {
      steps: [
        { type: 'thinking', text: 'Considering the request carefully.' },
        { type: 'text', text: 'Here is a longer answer with ünïcödé text and emoji 🎉 to split.' },
        {
          type: 'toolUse',
          name: 'Read',
          input: { path: '/etc/hosts' },
          toolUseId: 'tooluse_fixedIdForSplitTests1',
        },
      ],
    };
    const modes: SplitMode[] = ['none', 'every-byte', 'random', [1, 5, 13, 100, 101, 400]];

    it('sends the same bytes and events whatever the split', async () => {
      const results = [];
      for (const split of modes) {
        const bytes = await bodyBytes(await scripted({ ...script, split }));
        results.push({ bytes: hex(bytes), frames: new FrameDecoder().push(bytes).length });
      }
      expect(new Set(results.map((result) => result.bytes)).size).toBe(1);
      const decoded = [];
      for (const split of modes) decoded.push(await readEvents(await scripted({ ...script, split })));
      for (const events of decoded.slice(1)) {
        expect(events.map((event) => event.type)).toEqual(decoded[0]!.map((event) => event.type));
        expect(textOf(events)).toBe(textOf(decoded[0]!));
      }
    });

    it('really cuts the body into more HTTP chunks', async () => {
      async function chunkCount(split: SplitMode): Promise<number> {
        const response = await scripted({ ...script, split });
        let count = 0;
        for await (const _chunk of response.body!) count++;
        return count;
      }
      expect(await chunkCount('every-byte')).toBeGreaterThan(await chunkCount('none'));
    });

    it('applies a simulator-wide default split and pacing', async () => {
      await simulator.close();
      simulator = await KiroSimulator.start({ split: 'every-byte', chunkDelayMs: 1 });
      account = simulator.addAccount({ authMethod: 'social' });
      const events = await readEvents(await chat(simulator, account, simpleRequest('paced')));
      expect(textOf(events)).toContain('paced');
    });
  });

  describe('faults', () => {
    it('bad message CRC → the decoder throws message_crc', async () => {
      const response = await scripted({
        steps: [{ type: 'text', text: ['ok'] }, { type: 'badCrc' }, { type: 'text', text: ['bad'] }],
      });
      expectStreamError(await decodeError(response), 'message_crc');
    });

    it('bad prelude CRC → prelude_crc', async () => {
      const response = await scripted({
        steps: [
          { type: 'badCrc', part: 'prelude' },
          { type: 'text', text: ['bad'] },
        ],
      });
      expectStreamError(await decodeError(response), 'prelude_crc');
    });

    it('truncated frame → the decoder throws truncated', async () => {
      const response = await scripted({
        steps: [
          { type: 'text', text: ['whole'] },
          { type: 'truncate', keepBytes: 30 },
          { type: 'text', text: ['cut'] },
        ],
      });
      const bytes = await bodyBytes(response);
      const whole = new FrameDecoder().push(bytes.subarray(0, bytes.length - 30));
      expect(whole).toHaveLength(1);
      expectStreamError(await decodeError(await scripted({ steps: [{ type: 'truncate' }] })), 'truncated');
    });

    it('a dropped connection mid-frame fails the body read', async () => {
      const response = await scripted({
        steps: [
          { type: 'text', text: ['x'] },
          { type: 'truncate', close: 'destroy' },
        ],
      });
      const error = await decodeError(response);
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(EventStreamError);
    });

    it('duplicates the previous event', async () => {
      const events = await readEvents(
        await scripted({
          steps: [
            { type: 'text', text: ['same'] },
            { type: 'duplicate', count: 2 },
          ],
        }),
      );
      expect(events.slice(0, 3)).toEqual([
        { type: 'text', content: 'same' },
        { type: 'text', content: 'same' },
        { type: 'text', content: 'same' },
      ]);
    });

    it('sends exception and error frames mid-stream', async () => {
      const events = await readEvents(
        await scripted({
          steps: [
            { type: 'text', text: ['partial'] },
            {
              type: 'exception',
              exceptionType: 'ThrottlingException',
              reason: 'INSUFFICIENT_MODEL_CAPACITY',
            },
            { type: 'exception', exceptionType: 'InternalServerException' },
            { type: 'error', errorCode: 'InternalServerError', message: 'boom' },
          ],
        }),
      );
      expect(events).toEqual([
        { type: 'text', content: 'partial' },
        {
          type: 'exception',
          exceptionType: 'ThrottlingException',
          message: 'Too many requests, please wait before trying again.',
          reason: 'INSUFFICIENT_MODEL_CAPACITY',
        },
        {
          type: 'exception',
          exceptionType: 'InternalServerException',
          message: 'Encountered an unexpected error when processing the request, please try again.',
          reason: undefined,
        },
        { type: 'error', errorCode: 'InternalServerError', message: 'boom' },
      ]);
    });

    it('hangs with the connection open until the client leaves', async () => {
      simulator.enqueueScript({ steps: [{ type: 'text', text: ['before'] }, { type: 'hang' }] });
      const response = await chat(simulator, account, simpleRequest('hang'));
      const reader = response.body!.getReader();
      const first = await reader.read();
      expect(new FrameDecoder().push(first.value)).toHaveLength(1);
      const next = reader.read();
      const quiet = await Promise.race([
        next,
        new Promise((resolve) => setTimeout(() => resolve('quiet'), 150)),
      ]);
      expect(quiet).toBe('quiet');
      await reader.cancel();
      expect(await next).toEqual({ done: true, value: undefined });
      expect((await chat(simulator, account, simpleRequest('still alive'))).status).toBe(200);
    });

    it('close() ends hanging streams', async () => {
      simulator.enqueueScript({ steps: [{ type: 'hang' }] });
      const response = await chat(simulator, account, simpleRequest('hang'));
      const pending = bodyBytes(response).then(
        () => 'ended',
        () => 'dropped',
      );
      await simulator.close();
      expect(await pending).toMatch(/ended|dropped/);
      simulator = await KiroSimulator.start();
    });

    it('answers scripted HTTP errors with headers', async () => {
      simulator.enqueueScript({
        httpError: { status: 429, body: { message: 'slow down' }, headers: { 'Retry-After': '7' } },
      });
      const response = await chat(simulator, account, simpleRequest('hi'));
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('7');
      expect(await response.json()).toEqual({ message: 'slow down' });
      simulator.enqueueScript({ httpError: 'high-load' });
      const highLoad = await chat(simulator, account, simpleRequest('hi'));
      expect(highLoad.status).toBe(500);
      expect(await highLoad.json()).toEqual({
        message: 'Encountered unexpectedly high load when processing the request, please try again.',
        reason: null,
      });
    });
  });
});
