import type * as TokenizerModule from '@anthropic-ai/tokenizer';
import { countTextTokens } from './claude-tokenizer.js';
import { describe, expect, it, vi } from 'vitest';
import type { KiroGenerateRequest, KiroHistoryItem } from '../upstream/kiro-request.js';
import { buildJpeg, buildPng } from '../../test/helpers/test-images.js';
import { countKiroRequestTokens } from './count-kiro-request-tokens.js';

// Counts every call into the real Claude tokenizer (the module-level tokenizer is created once).
const encodeCalls = vi.hoisted(() => ({ count: 0 }));

vi.mock('@anthropic-ai/tokenizer', async (importOriginal) => {
  const actual = await importOriginal<typeof TokenizerModule>();
  return {
    ...actual,
    getTokenizer: () => {
      const tokenizer = actual.getTokenizer();
      const encode = tokenizer.encode.bind(tokenizer);
      tokenizer.encode = (...args: Parameters<typeof encode>) => {
        encodeCalls.count += 1;
        return encode(...args);
      };
      return tokenizer;
    },
  };
});

/** A Claude Code-like session: ~200k tokens of file reads, edits, tool calls and two screenshots. */
function largeSession(): KiroGenerateRequest {
  const history: KiroHistoryItem[] = [];
  for (let turn = 0; turn < 150; turn += 1) {
    const file = Array.from(
      { length: 60 },
      (_, line) =>
        `  const value${turn}_${line} = compute(${line}, "turn ${turn}"); // step ${line} of the loop`,
    ).join('\n');
    history.push({
      userInputMessage: {
        content: turn === 0 ? 'Refactor the parser.' : '',
        modelId: 'claude-sonnet-4.5',
        origin: 'AI_EDITOR',
        ...(turn === 0
          ? { images: [{ format: 'png', source: { bytes: buildPng(1920, 1080).toString('base64') } }] }
          : {}),
        ...(turn > 0
          ? {
              userInputMessageContext: {
                toolResults: [
                  { toolUseId: `toolu_${turn - 1}`, content: [{ text: file }], status: 'success' },
                ],
              },
            }
          : {}),
      },
    });
    history.push({
      assistantResponseMessage: {
        content: `Reading part ${turn} of the parser before editing it.`,
        toolUses: [
          { toolUseId: `toolu_${turn}`, name: 'Read', input: { file_path: `/repo/src/part-${turn}.ts` } },
        ],
      },
    });
  }
  return {
    conversationState: {
      chatTriggerType: 'MANUAL',
      conversationId: '5f1c2d34-9a8b-4c7d-8e6f-1a2b3c4d5e6f',
      history,
      currentMessage: {
        userInputMessage: {
          content: '',
          modelId: 'claude-sonnet-4.5',
          origin: 'AI_EDITOR',
          images: [{ format: 'jpeg', source: { bytes: buildJpeg(3024, 4032, 2).toString('base64') } }],
          userInputMessageContext: {
            toolResults: [{ toolUseId: 'toolu_149', content: [{ text: 'done' }], status: 'success' }],
            tools: [
              {
                toolSpecification: {
                  name: 'Read',
                  description: 'Reads a file from the local filesystem.',
                  inputSchema: { json: { type: 'object', properties: { file_path: { type: 'string' } } } },
                },
              },
            ],
          },
        },
      },
    },
  };
}

describe('countKiroRequestTokens on a large Claude Code history', () => {
  it('tokenizes each text once: recounting the same history (new string objects) never calls encode', () => {
    const request = largeSession();
    const first = countKiroRequestTokens(request, countTextTokens);
    expect(first).toBeGreaterThan(150_000);
    const callsAfterFirst = encodeCalls.count;
    expect(callsAfterFirst).toBeGreaterThan(300);

    // The next turn arrives as freshly parsed JSON: equal content, different string objects.
    const resent = JSON.parse(JSON.stringify(request)) as KiroGenerateRequest;
    expect(countKiroRequestTokens(resent, countTextTokens)).toBe(first);
    expect(encodeCalls.count).toBe(callsAfterFirst);
  });

  it('only tokenizes what is new in the next turn', () => {
    const request = largeSession();
    countKiroRequestTokens(request, countTextTokens);
    const before = encodeCalls.count;
    const next = JSON.parse(JSON.stringify(request)) as KiroGenerateRequest;
    next.conversationState.currentMessage.userInputMessage.content = 'Now also update the tests, please.';
    countKiroRequestTokens(next, countTextTokens);
    expect(encodeCalls.count - before).toBe(1);
  });
});
