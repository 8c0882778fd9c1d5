import { threadId, type Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { createSilentLogger } from '../shared/logger.js';
import type { KiroGenerateRequest, KiroHistoryItem } from '../upstream/kiro-request.js';
import { countTokensUncached } from './claude-tokenizer.js';
import { countKiroRequestTokens } from './count-kiro-request-tokens.js';
import { TokenCounter } from './token-counter.js';

/** Deterministic prose and code, never seen before by any cache: `bytes` characters over many turns. */
function conversation(bytes: number, seed: string): KiroGenerateRequest {
  const history: KiroHistoryItem[] = [];
  const words = ['parse', 'token', 'stream', 'Kiro', 'émigré', '中文', '42', 'x1', "it's", '{}', '=>'];
  let size = 0;
  for (let turn = 0; size < bytes; turn += 1) {
    const lines = Array.from({ length: 400 }, (_, line) =>
      Array.from({ length: 12 }, (_, word) => words[(turn * 7 + line * 3 + word) % words.length]).join(' '),
    );
    const text = `${seed} turn ${turn}\n${lines.join('\n')}`;
    size += text.length;
    history.push(
      { userInputMessage: { content: text, modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR' } },
      { assistantResponseMessage: { content: `${seed} answer ${turn}` } },
    );
  }
  return {
    conversationState: {
      chatTriggerType: 'MANUAL',
      conversationId: 'c',
      history,
      currentMessage: {
        userInputMessage: { content: 'go on', modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR' },
      },
    },
  };
}

describe('TokenCounter', () => {
  let counter: TokenCounter;
  afterEach(() => counter.close());

  it('counts a 2 MB conversation on its worker thread exactly as the tokenizer does directly', async () => {
    counter = new TokenCounter(createSilentLogger());
    const request = conversation(2_000_000, 'exact');
    const viaWorker = await counter.countRequest(request, { hiddenPromptTokens: 0 });
    expect(counter.workerThreadId).toBeDefined();
    expect(counter.workerThreadId).not.toBe(threadId);
    expect(viaWorker).toBe(countKiroRequestTokens(request, countTokensUncached, { hiddenPromptTokens: 0 }));
  });

  it('answers a short count while a long one is still being counted', async () => {
    counter = new TokenCounter(createSilentLogger());
    await counter.countText('start the worker');
    const order: string[] = [];
    const long = counter.countRequest(conversation(2_000_000, 'long')).then(() => order.push('long'));
    const short = counter
      .countText('a stream’s output, counted when its turn ends')
      .then(() => order.push('short'));
    await Promise.all([long, short]);
    expect(order).toEqual(['short', 'long']);
  });

  it('restarts a crashed worker and still answers with the right count', async () => {
    counter = new TokenCounter(createSilentLogger());
    const text = 'Hello, Claude! '.repeat(20_000);
    const pending = counter.countText(text);
    await (counter as unknown as { worker: Worker }).worker.terminate();
    expect(await pending).toBe(countTokensUncached(text));
    expect(await counter.countText('Hello, Claude!')).toBe(4);
  });

  it('caches per text on the main thread and estimates after close instead of failing', async () => {
    counter = new TokenCounter(createSilentLogger());
    expect(await counter.countTexts(['Hello, Claude!', '', 'Hello, Claude!'])).toEqual([4, 0, 4]);
    await counter.close();
    expect(await counter.countText('Hello, Claude!')).toBe(4);
    expect(await counter.countText('not cached yet')).toBe(Math.ceil('not cached yet'.length / 4));
  });
});
