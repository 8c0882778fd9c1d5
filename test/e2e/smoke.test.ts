import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../helpers/start-stack.js';
import { startStack } from '../helpers/start-stack.js';

describe('smoke: official SDK through the gateway to the simulator', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  it('answers a non-streaming message', async () => {
    const message = await stack.anthropic.messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Hello there' }],
    });
    expect(message.type).toBe('message');
    expect(message.content[0]).toMatchObject({ type: 'text' });
    expect(message.usage.output_tokens).toBeGreaterThan(1);
  });

  it('streams a message', async () => {
    const stream = stack.anthropic.messages.stream({
      model: 'claude-sonnet-4-6',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Stream please' }],
    });
    const message = await stream.finalMessage();
    expect(message.stop_reason).toBe('end_turn');
    expect(JSON.stringify(message.content)).toContain('Stream please');
  });
});
