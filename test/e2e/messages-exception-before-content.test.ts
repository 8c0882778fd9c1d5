// Issue 15: an in-stream exception frame that comes before any content reached the client is an
// upstream failure of the same class as its HTTP twin (ThrottlingException as a 429, an internal
// error as a 5xx): cooled down or retried and failed over, and answered only when nothing is left.
import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import type { SimScript } from '../../src/simulator/script-types.js';
import { collectSse, messageDelta, streamedText } from '../helpers/collect-sse.js';
import { chatCounts, entry, simId, startPriorityPool } from '../helpers/pool-harness.js';
import type { Stack } from '../helpers/start-stack.js';

const MODEL = 'claude-sonnet-4-6';
const request = (text: string) => ({
  model: MODEL,
  max_tokens: 64,
  messages: [{ role: 'user' as const, content: text }],
});
const THROTTLED: SimScript = {
  steps: [
    { type: 'metering' },
    { type: 'exception', exceptionType: 'ThrottlingException', message: 'slow down' },
  ],
};
const INTERNAL: SimScript = {
  steps: [{ type: 'exception', exceptionType: 'InternalServerException', message: 'boom' }],
};
const MODES = [['not streamed', false] as const, ['streamed', true] as const];

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

/** A cooldown within maxRetryWaitSeconds (60), so a throttled pool answers 429 rather than 403. */
async function start(accounts: number): Promise<Stack> {
  return (stack = await startPriorityPool(accounts, { cooldownSeconds: 30 }));
}

/** The answer text, streamed or not; fails on anything but a normal end_turn. */
async function answer(current: Stack, text: string, stream: boolean): Promise<string> {
  if (!stream) {
    const message = await current.anthropic.messages.create(request(text));
    expect(message.stop_reason).toBe('end_turn');
    return message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
  }
  const raw = await collectSse(current, request(text));
  expect(raw.violations).toEqual([]);
  expect(messageDelta(raw.events).delta.stop_reason).toBe('end_turn');
  return streamedText(raw.events);
}

describe('two accounts: the second serves', () => {
  it.each(MODES)(
    'ThrottlingException before content, %s: the first account cools down',
    async (_, stream) => {
      const current = await start(2);
      current.sim.enqueueScript(THROTTLED, { accountId: simId(1), times: 'forever' });
      expect(await answer(current, 'throttled first', stream)).toContain('throttled first');
      expect(chatCounts(current)).toEqual({ [simId(1)]: 1, [simId(2)]: 1 });
      expect(entry(current, 1).status).toMatchObject({ kind: 'cooling' });
      expect(entry(current, 2).counters).toMatchObject({ successes: 1, failures: 0 });
    },
  );

  it.each(MODES)(
    'InternalServerException before content, %s: retried, then failed over',
    async (_, stream) => {
      const current = await start(2);
      current.sim.enqueueScript(INTERNAL, { accountId: simId(1), times: 'forever' });
      expect(await answer(current, 'internal first', stream)).toContain('internal first');
      // A transient failure: the account stays active and is retried up to maxAttemptsPerAccount.
      expect(entry(current, 1).status.kind).toBe('active');
      expect(chatCounts(current)[simId(2)]).toBe(1);
      expect(chatCounts(current)[simId(1)]).toBeGreaterThanOrEqual(1);
    },
  );
});

describe('one account: the error only when every attempt failed', () => {
  it('ThrottlingException before content, not streamed: 429 rate_limit_error', async () => {
    const current = await start(1);
    current.sim.enqueueScript(THROTTLED, { times: 'forever' });
    const error = (await current.anthropic.messages
      .create(request('throttled alone'), { maxRetries: 0 })
      .catch((failure: unknown) => failure)) as InstanceType<typeof Anthropic.APIError>;
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(error.status).toBe(429);
    expect(error.error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    expect(entry(current, 1).status).toMatchObject({ kind: 'cooling' });
  });

  it('ThrottlingException before content, streamed: message_start, then a rate_limit_error event', async () => {
    const current = await start(1);
    current.sim.enqueueScript(THROTTLED, { times: 'forever' });
    const raw = await collectSse(current, request('throttled stream'));
    expect(raw.violations).toEqual([]);
    expect(raw.events.map((event) => event.type)).toEqual(['message_start', 'error']);
    expect(raw.events.at(-1)).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    expect(entry(current, 1).status).toMatchObject({ kind: 'cooling' });
  });

  it('InternalServerException before content: retried maxAttemptsPerAccount times, then 502', async () => {
    const current = await start(1);
    current.sim.enqueueScript(INTERNAL, { times: 'forever' });
    const error = (await current.anthropic.messages
      .create(request('internal alone'), { maxRetries: 0 })
      .catch((failure: unknown) => failure)) as InstanceType<typeof Anthropic.APIError>;
    expect(error.status).toBe(502);
    expect(error.error).toMatchObject({ type: 'error', error: { type: 'api_error' } });
    expect(error.message).toContain('InternalServerException');
    expect(chatCounts(current)).toEqual({ [simId(1)]: 3 });
  });
});
