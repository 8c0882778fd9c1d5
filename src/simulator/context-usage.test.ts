import { describe, expect, it } from 'vitest';
import { countTextTokens } from '../tokens/claude-tokenizer.js';
import {
  contextUsagePercentage,
  countRequestInputTokens,
  imageTokens,
  requestAsksForThinking,
} from './context-usage.js';
import { pngBase64, simpleRequest, wellFormedExample } from './simulator-test-helpers.js';

describe('countRequestInputTokens', () => {
  it('counts every text of the request plus the hidden prompt', () => {
    const request = wellFormedExample();
    const state = request.conversationState;
    const current = state.currentMessage.userInputMessage;
    const tool = current.userInputMessageContext!.tools![0]!;
    const expected =
      2000 +
      countTextTokens('You are terse.\nWhen the Write or Edit tool has content size limits, ...') +
      countTextTokens('I will follow these instructions.') +
      countTextTokens('Weather in Paris?') +
      countTextTokens(' ') +
      countTextTokens('get_weather') +
      countTextTokens(JSON.stringify({ city: 'Paris' })) +
      countTextTokens('18C sunny') +
      countTextTokens(JSON.stringify(tool.toolSpecification));
    expect(countRequestInputTokens(request)).toBe(expected);
    expect(countRequestInputTokens(request, { hiddenPromptTokens: 0 })).toBe(expected - 2000);
  });

  it("counts images by Anthropic's formula, not as base64 text", () => {
    const request = simpleRequest('');
    const base = countRequestInputTokens(request);
    request.conversationState.currentMessage.userInputMessage.images = [
      { format: 'png', source: { bytes: pngBase64(1000, 1000) } },
      { format: 'png', source: { bytes: pngBase64(3000, 2000) } },
    ];
    expect(countRequestInputTokens(request)).toBe(base + imageTokens(1000, 1000) + imageTokens(3000, 2000));
  });
});

describe('imageTokens', () => {
  it('is ceil(w × h / 750) after scaling the long edge to 1568 px', () => {
    expect(imageTokens(1000, 1000)).toBe(1334);
    expect(imageTokens(3000, 2000)).toBe(Math.ceil((1568 * 1045) / 750));
    expect(imageTokens(200, 3136)).toBe(Math.ceil((100 * 1568) / 750));
    expect(imageTokens(0, 10)).toBe(0);
  });
});

describe('contextUsagePercentage', () => {
  it('counts output only when asked', () => {
    expect(contextUsagePercentage(1000, 500, 200_000, true)).toBe(0.75);
    expect(contextUsagePercentage(1000, 500, 200_000, false)).toBe(0.5);
  });
});

describe('requestAsksForThinking', () => {
  it('looks for <thinking_mode> anywhere in the conversation text', () => {
    expect(requestAsksForThinking(simpleRequest('plain'))).toBe(false);
    const request = wellFormedExample();
    const history = request.conversationState.history!;
    history[0] = {
      userInputMessage: {
        content: '<thinking_mode>adaptive</thinking_mode>\nYou are terse.',
        modelId: 'auto',
        origin: 'AI_EDITOR',
      },
    };
    expect(requestAsksForThinking(request)).toBe(true);
  });
});
