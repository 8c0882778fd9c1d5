// 50 concurrent streams through one gateway, with upstream frames cut at random byte offsets and
// paced, so the streams really interleave: every one completes, obeys the grammar, and carries
// only its own content.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectSse, messageDelta, streamedText } from '../helpers/collect-sse.js';
import type { Stack } from '../helpers/start-stack.js';
import { startStack } from '../helpers/start-stack.js';

const MODEL = 'claude-sonnet-4-6';
const STREAMS = 50;

describe('concurrency', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ simulator: { split: 'random', chunkDelayMs: 3, recordLimit: 0 } });
  });
  afterAll(() => stack.close());

  it(`${STREAMS} concurrent streams (raw and SDK) all complete with valid grammar`, async () => {
    const ask = (index: number) => ({
      model: MODEL,
      max_tokens: 256,
      messages: [{ role: 'user' as const, content: `concurrent stream number ${index} reporting` }],
    });
    const raw = Array.from({ length: STREAMS / 2 }, (_, index) => collectSse(stack, ask(index)));
    const sdk = Array.from({ length: STREAMS / 2 }, (_, offset) =>
      stack.anthropic.messages.stream(ask(STREAMS / 2 + offset)).finalMessage(),
    );
    const [rawResults, sdkResults] = await Promise.all([Promise.all(raw), Promise.all(sdk)]);

    rawResults.forEach((result, index) => {
      expect(result.violations).toEqual([]);
      expect(streamedText(result.events)).toContain(`concurrent stream number ${index} reporting`);
      expect(messageDelta(result.events).delta.stop_reason).toBe('end_turn');
    });
    sdkResults.forEach((message, offset) => {
      expect(message.stop_reason).toBe('end_turn');
      expect(message.content[0]).toMatchObject({
        type: 'text',
        text: expect.stringContaining(`concurrent stream number ${STREAMS / 2 + offset} reporting`),
      });
    });
    expect(stack.sim.stats.chatStreams).toBe(STREAMS);
    const [account] = stack.gateway.services.pool.list();
    expect(account!.inFlight).toBe(0);
    expect(account!.counters.successes).toBe(STREAMS);
  });
});
