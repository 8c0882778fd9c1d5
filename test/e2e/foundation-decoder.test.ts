// The event-stream decoder behind real HTTP (§4.4): unknown events are logged, not dropped silently;
// corrupt or cut streams end the response with a typed error instead of a normal end_turn.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScriptStep } from '../../src/simulator/script-types.js';
import { LOG_LEVELS, createMemoryLogger } from '../helpers/memory-logger.js';
import type { MemoryLogger } from '../helpers/memory-logger.js';
import { parseSse } from '../helpers/parse-sse.js';
import type { Stack } from '../helpers/start-stack.js';
import { startStack } from '../helpers/start-stack.js';

let stack: Stack;
let memory: MemoryLogger;
beforeAll(async () => {
  memory = createMemoryLogger('debug');
  stack = await startStack({ logger: memory.logger });
});
afterAll(() => stack.close());

async function post(stream: boolean, steps: ScriptStep[]) {
  stack.sim.enqueueScript({ steps });
  const response = await fetch(`${stack.url}/v1/messages`, {
    method: 'POST',
    headers: { 'x-api-key': stack.apiKey, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'claude-sonnet-4-6',
      max_tokens: 100,
      stream,
      messages: [{ role: 'user', content: 'hi' }],
    }),
  });
  return { status: response.status, text: await response.text() };
}

describe('unknown upstream events', () => {
  it('are logged at debug level with their type and payload, and the answer is unaffected', async () => {
    const { status, text } = await post(false, [
      { type: 'text', text: 'Hello' },
      { type: 'event', eventType: 'brandNewEvent', payload: { detail: 'from the future' } },
      { type: 'text', text: ' world' },
    ]);
    expect(status).toBe(200);
    const message = JSON.parse(text) as { content: { type: string; text: string }[]; stop_reason: string };
    expect(message.content).toEqual([{ type: 'text', text: 'Hello world' }]);
    expect(message.stop_reason).toBe('end_turn');
    const logged = memory.records().filter((record) => record.eventType === 'brandNewEvent');
    expect(logged).toEqual([
      expect.objectContaining({
        level: LOG_LEVELS.debug,
        payload: { detail: 'from the future' },
        requestId: expect.any(String) as string,
      }),
    ]);
  });
});

describe('a corrupt or cut stream is a typed error, never a normal end', () => {
  const cases: { name: string; fault: ScriptStep; code: string }[] = [
    { name: 'bad message CRC', fault: { type: 'badCrc' }, code: 'message_crc' },
    { name: 'bad prelude CRC', fault: { type: 'badCrc', part: 'prelude' }, code: 'prelude_crc' },
    { name: 'truncated tail', fault: { type: 'truncate', keepBytes: 30 }, code: 'truncated' },
  ];

  it.each(cases)('streaming: $name ends with an SSE error naming $code', async ({ fault, code }) => {
    const { status, text } = await post(true, [
      { type: 'text', text: 'partial answer' },
      fault,
      { type: 'text', text: 'never seen' },
    ]);
    expect(status).toBe(200);
    const events = parseSse(text);
    const last = events.at(-1)!;
    expect(last.event).toBe('error');
    expect(last.data).toMatchObject({ type: 'error', error: { type: 'api_error' } });
    expect(JSON.stringify(last.data)).toContain(`(${code})`);
    expect(events.some((event) => event.event === 'message_stop')).toBe(false);
    expect(text).not.toContain('never seen');
  });

  it('non-streaming: a truncated stream is a 502 api_error, not a partial message', async () => {
    const { status, text } = await post(false, [
      { type: 'text', text: 'partial answer' },
      { type: 'truncate', keepBytes: 30 },
    ]);
    expect(status).toBe(502);
    const body = JSON.parse(text) as { type: string; error: { type: string; message: string } };
    expect(body).toMatchObject({ type: 'error', error: { type: 'api_error' } });
    expect(body.error.message).toContain('(truncated)');
  });
});
