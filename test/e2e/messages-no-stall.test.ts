// One request must never freeze the others: counting a large, never-seen conversation runs on the
// tokenizer worker, so the gateway keeps serving meanwhile, and still answers the right count.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertAnthropicRequestToKiro } from '../../src/conversion/anthropic-to-kiro/convert-anthropic-request-to-kiro.js';
import { conversionContext } from '../../src/http/anthropic/conversion-context.js';
import { parseMessagesRequest } from '../../src/protocols/anthropic/messages-request.js';
import { countTokensUncached } from '../../src/tokens/claude-tokenizer.js';
import { countKiroRequestTokens } from '../../src/tokens/count-kiro-request-tokens.js';
import { collectSse } from '../helpers/collect-sse.js';
import type { Stack } from '../helpers/start-stack.js';
import { startStack } from '../helpers/start-stack.js';

const MODEL = 'claude-sonnet-4-6';

/** ~2 MB of code-like text in 40 turns, unique to `seed`. */
function largeConversation(seed: string) {
  const messages: { role: 'user' | 'assistant'; content: string }[] = [];
  for (let turn = 0; turn < 40; turn += 1) {
    const lines = Array.from(
      { length: 1300 },
      (_, line) => `const ${seed}_${turn}_${line} = read(${line}); // step`,
    );
    messages.push({ role: 'user', content: lines.join('\n') }, { role: 'assistant', content: `ok ${turn}` });
  }
  messages.push({ role: 'user', content: 'summarise' });
  return { model: MODEL, max_tokens: 64, messages };
}

describe('no stalls', () => {
  let stack: Stack;
  beforeAll(async () => {
    // No trimming: the whole 2 MB reaches the counter.
    stack = await startStack({ config: { maxUpstreamBodyBytes: 4_000_000 } });
    // The worker is started by a first count, as in a running gateway.
    await stack.anthropic.messages.countTokens({
      model: MODEL,
      messages: [{ role: 'user', content: 'warm' }],
    });
  });
  afterAll(() => stack.close());

  it('streams a small request to its end while a 2 MB conversation is being counted', async () => {
    const large = largeConversation('stall');
    expect(JSON.stringify(large).length).toBeGreaterThan(2_000_000);
    const order: string[] = [];
    const counting = stack.anthropic.messages.countTokens(large).then((result) => {
      order.push('large count');
      return result.input_tokens;
    });
    // Once the large texts are on the worker, this request goes through every stage, its own input
    // and output counts included: on the main thread it would have waited for the whole count.
    const tokenCounter = stack.gateway.services.tokenCounter;
    while (tokenCounter.pendingJobs === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const small = await collectSse(stack, {
      model: MODEL,
      max_tokens: 32,
      messages: [{ role: 'user', content: 'hi' }],
    });
    order.push('small stream');
    expect(small.violations).toEqual([]);
    const counted = await counting;
    expect(order).toEqual(['small stream', 'large count']);

    // The count is of what Kiro would receive, counted here with the tokenizer directly.
    const kiro = convertAnthropicRequestToKiro(
      parseMessagesRequest(large),
      conversionContext(stack.gateway.services),
    ).request;
    expect(counted).toBe(countKiroRequestTokens(kiro, countTokensUncached));
  });

  it('the gateway stops its tokenizer worker when it closes', async () => {
    const own = await startStack();
    await own.anthropic.messages.countTokens({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] });
    const counter = own.gateway.services.tokenCounter;
    expect(counter.workerThreadId).toBeGreaterThan(0);
    await own.close();
    expect(counter.workerThreadId).toBeUndefined();
    expect(await counter.countText('after close')).toBe(Math.ceil('after close'.length / 4));
  });
});
