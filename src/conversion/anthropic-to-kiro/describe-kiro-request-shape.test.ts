import { describe, expect, it } from 'vitest';
import type { KiroGenerateRequest } from '../../upstream/kiro-request.js';
import { describeKiroRequestShape } from './describe-kiro-request-shape.js';

const SECRET = 'the user wrote this secret text';

const request: KiroGenerateRequest = {
  conversationState: {
    agentContinuationId: '0b6a3f7e-2a7c-4d0e-9d1b-8a6f0c2e5b11',
    agentTaskType: 'vibe',
    chatTriggerType: 'MANUAL',
    conversationId: '5f1c2d34-9a8b-4c7d-8e6f-1a2b3c4d5e6f',
    history: [
      { userInputMessage: { content: SECRET, modelId: 'claude-sonnet-4.6', origin: 'AI_EDITOR' } },
      {
        assistantResponseMessage: {
          content: ' ',
          toolUses: [
            { toolUseId: 'toolu_1', name: 'Read', input: { file_path: SECRET } },
            { toolUseId: 'toolu_2', name: 'Read', input: {} },
          ],
        },
      },
    ],
    currentMessage: {
      userInputMessage: {
        content: '',
        modelId: 'claude-sonnet-4.6',
        origin: 'AI_EDITOR',
        images: [{ format: 'png', source: { bytes: 'iVBORw0KGgo=' } }],
        userInputMessageContext: {
          toolResults: [
            { toolUseId: 'toolu_1', content: [{ text: SECRET }], status: 'success' },
            { toolUseId: 'toolu_2', content: [{ text: 'ok' }], status: 'success' },
          ],
          tools: [
            {
              toolSpecification: {
                name: 'Read',
                description: 'Reads a file ✓',
                inputSchema: { json: { type: 'object', properties: {} } },
              },
            },
            {
              toolSpecification: {
                name: 'mcp__long_tool_name',
                description: 'x',
                inputSchema: { json: { type: 'string' } },
              },
            },
          ],
        },
      },
    },
  },
};

describe('describeKiroRequestShape', () => {
  it('summarises turns, counts and sizes without any content, id or name', () => {
    const shape = describeKiroRequestShape(request);
    expect(shape).toEqual({
      modelId: 'claude-sonnet-4.6',
      bodyBytes: Buffer.byteLength(JSON.stringify(request)),
      turns: ['U', 'A(blank, 2 uses)', 'U(current, empty, 1 images, 2 results)'],
      tools: 2,
      longestToolName: 19,
      longestToolDescription: 14,
      nonObjectSchemas: 1,
    });
    const text = JSON.stringify(shape);
    for (const secret of [SECRET, 'toolu_1', 'Read', 'iVBOR']) expect(text).not.toContain(secret);
  });

  it('handles a request with no history and no tools', () => {
    const bare: KiroGenerateRequest = {
      conversationState: {
        chatTriggerType: 'MANUAL',
        conversationId: '5f1c2d34-9a8b-4c7d-8e6f-1a2b3c4d5e6f',
        currentMessage: { userInputMessage: { content: 'hi', modelId: 'auto', origin: 'AI_EDITOR' } },
      },
    };
    expect(describeKiroRequestShape(bare)).toMatchObject({
      turns: ['U(current)'],
      tools: 0,
      longestToolName: 0,
      longestToolDescription: 0,
      nonObjectSchemas: 0,
    });
  });
});
