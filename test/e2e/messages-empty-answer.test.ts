// Issue 15: Kiro answers HTTP 200 and then sends no content (an empty body, or only metering and
// context usage). That is a transient upstream failure, retried like a 5xx before anything reaches
// the client; never an invented assistant message or a silent end_turn.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/shared/clock.js';
import type { SimScript } from '../../src/simulator/script-types.js';
import { blockTypes, collectSse, eventsOfType, messageDelta, streamedText } from '../helpers/collect-sse.js';
import { entry, postMessage, recordBackoff, socialAccounts, warmUp } from '../helpers/pool-harness.js';
import type { Stack } from '../helpers/start-stack.js';
import { startStack } from '../helpers/start-stack.js';
import { chatRequests } from '../helpers/upstream-requests.js';

const MODEL = 'claude-sonnet-4-6';
const EMPTY = 'Kiro returned an empty answer';
const request = (text: string) => ({
  model: MODEL,
  max_tokens: 64,
  messages: [{ role: 'user' as const, content: text }],
});

const BODIES: [string, SimScript][] = [
  ['an empty body', { steps: [], autoTail: false }],
  ['a metering-only body', { steps: [{ type: 'metering' }, { type: 'contextUsage', percentage: 1 }] }],
];

describe('one account', () => {
  let stack: Stack;
  let delays: number[];
  beforeAll(async () => {
    stack = await startStack();
    delays = recordBackoff(stack);
  });
  afterAll(() => stack.close());

  /** Every request carrying `marker` gets `script`; returns the upstream calls one action made. */
  async function upstreamCalls(marker: string, script: SimScript, action: () => Promise<void>) {
    stack.sim.enqueueScript(script, { messageIncludes: marker, times: 'forever' });
    const before = chatRequests(stack).length;
    await action();
    return chatRequests(stack).length - before;
  }

  it.each(BODIES)('%s, not streamed: retried, then 502 api_error', async (name, script) => {
    const failures = entry(stack, 1).counters.failures;
    const calls = await upstreamCalls(`plain ${name}`, script, async () => {
      const error = (await stack.anthropic.messages
        .create(request(`plain ${name}`))
        .catch((failure: unknown) => failure)) as InstanceType<typeof Anthropic.APIError>;
      expect(error).toBeInstanceOf(Anthropic.APIError);
      expect(error.status).toBe(502);
      expect(error.error).toMatchObject({ type: 'error', error: { type: 'api_error' } });
      expect(error.message).toContain(EMPTY);
    });
    // maxAttemptsPerAccount (3), with backoff between them.
    expect(calls).toBe(3);
    expect(delays.length).toBeGreaterThanOrEqual(2);
    expect(entry(stack, 1).counters.failures - failures).toBe(3);
  });

  it.each(BODIES)('%s, streamed: retried, then an SSE error event and no content', async (name, script) => {
    const calls = await upstreamCalls(`stream ${name}`, script, async () => {
      const raw = await collectSse(stack, request(`stream ${name}`));
      expect(raw.status).toBe(200);
      expect(raw.violations).toEqual([]);
      expect(raw.events.map((event) => event.type)).toEqual(['message_start', 'error']);
      expect(raw.events.at(-1)).toMatchObject({
        type: 'error',
        error: { type: 'api_error', message: expect.stringContaining(EMPTY) as unknown },
      });
    });
    expect(calls).toBe(3);
    await expect(stack.anthropic.messages.stream(request(`stream ${name}`)).finalMessage()).rejects.toThrow(
      EMPTY,
    );
  });

  it('the buffered Claude Code stream (/cc/v1) ends the same way', async () => {
    const calls = await upstreamCalls('buffered empty', { steps: [], autoTail: false }, async () => {
      const raw = await collectSse(stack, request('buffered empty'), { path: '/cc/v1/messages' });
      expect(raw.violations).toEqual([]);
      expect(raw.events.filter((event) => event.type !== 'ping').map((event) => event.type)).toEqual([
        'message_start',
        'error',
      ]);
    });
    expect(calls).toBe(3);
  });

  it('one empty answer, then content: the client sees only the content', async () => {
    stack.sim.enqueueScript({ steps: [], autoTail: false }, { messageIncludes: 'once empty' });
    const raw = await collectSse(stack, request('once empty'));
    expect(raw.violations).toEqual([]);
    expect(eventsOfType(raw.events, 'message_start')).toHaveLength(1);
    expect(streamedText(raw.events)).toContain('once empty');
    expect(messageDelta(raw.events).delta.stop_reason).toBe('end_turn');
  });
});

describe('two accounts', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ accounts: socialAccounts(2), config: { loadBalancingMode: 'priority' } });
    recordBackoff(stack);
    await warmUp(stack);
  });
  afterAll(() => stack.close());

  it.each(BODIES)('%s on the first account: the second serves, streamed and not', async (name, script) => {
    stack.sim.enqueueScript(script, { accountId: 'acct-1', times: 2 });
    const counts = { ...stack.sim.stats.chatByAccount };
    const message = await stack.anthropic.messages.create(request(`failover ${name}`));
    expect(message.stop_reason).toBe('end_turn');
    expect(message.content).toEqual([{ type: 'text', text: expect.stringContaining(`failover ${name}`) }]);

    const raw = await collectSse(stack, request(`failover stream ${name}`));
    expect(raw.violations).toEqual([]);
    expect(eventsOfType(raw.events, 'message_start')).toHaveLength(1);
    expect(blockTypes(raw.events)).toEqual(['text']);
    expect(streamedText(raw.events)).toContain(`failover stream ${name}`);
    expect(stack.sim.stats.chatByAccount).toEqual({
      'acct-1': (counts['acct-1'] ?? 0) + 2,
      'acct-2': (counts['acct-2'] ?? 0) + 2,
    });
  });
});

describe('while reading ahead for content (pingIntervalSeconds: 1)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ config: { pingIntervalSeconds: 1 } });
  });
  afterAll(() => stack.close());

  it('the stream is open and pings while Kiro sends only metering, then the content follows', async () => {
    stack.sim.enqueueScript(
      {
        steps: [
          { type: 'metering' },
          { type: 'delay', ms: 2500 },
          { type: 'text', text: 'Finally some text.' },
        ],
      },
      { messageIncludes: 'slow start' },
    );
    const raw = await collectSse(stack, request('slow start'));
    expect(raw.violations).toEqual([]);
    const types = raw.messages.map((message) => message.event);
    expect(types[0]).toBe('message_start');
    expect(types.slice(1, types.indexOf('content_block_start'))).toContain('ping');
    expect(streamedText(raw.events)).toBe('Finally some text.');
  });
});

describe('account health: an empty answer is a transient failure, not a success', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('empty answers build the transient streak until the account rests', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const current = (stack = await startStack({ clock }));
    recordBackoff(current);
    current.sim.enqueueScript(
      { steps: [], autoTail: false },
      { messageIncludes: 'hollow', times: 'forever' },
    );
    const account = entry(current, 1);
    const successes = account.counters.successes;

    expect((await postMessage(current, 'hollow 1')).status).toBe(502);
    expect(account.transientStreak).toBe(3);
    expect(account.counters.successes).toBe(successes);
    expect(account.status.kind).toBe('active');

    // Five in a row over at least 30 s: the account rests (README "Failure policy").
    clock.advance(30_000);
    expect((await postMessage(current, 'hollow 2')).status).toBe(502);
    expect(account.status).toMatchObject({ kind: 'cooling', reason: 'sustained upstream failures' });

    // A real answer resets the streak once the rest is over.
    clock.advance(60_000);
    expect((await postMessage(current, 'real question')).status).toBe(200);
    expect(account.transientStreak).toBe(0);
    expect(account.counters.successes).toBe(successes + 1);
  });
});
