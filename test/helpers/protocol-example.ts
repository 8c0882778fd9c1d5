// The hand-written request of protocol §3.8: the simulator must accept it; the converter must produce it.
import type { KiroGenerateRequest } from '../../src/upstream/kiro-request.js';

/** The social default profile ARN the §3.8 example carries. */
export const EXAMPLE_PROFILE_ARN = 'arn:aws:codewhisperer:us-east-1:699475941385:profile/EHGA3GRVQMUK';

/** The hand-written request of protocol §3.8, exactly. */
export function protocolExample(): KiroGenerateRequest {
  return {
    conversationState: {
      agentContinuationId: '0b6a3f7e-2a7c-4d0e-9d1b-8a6f0c2e5b11',
      agentTaskType: 'vibe',
      chatTriggerType: 'MANUAL',
      conversationId: '5f1c2d34-9a8b-4c7d-8e6f-1a2b3c4d5e6f',
      currentMessage: {
        userInputMessage: {
          content: '',
          modelId: 'claude-sonnet-4.5',
          origin: 'AI_EDITOR',
          userInputMessageContext: {
            toolResults: [{ toolUseId: 'toolu_1', content: [{ text: '18C sunny' }], status: 'success' }],
            tools: [
              {
                toolSpecification: {
                  name: 'get_weather',
                  description: 'Get the weather for a city',
                  inputSchema: {
                    json: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
                  },
                },
              },
            ],
          },
        },
      },
      history: [
        {
          userInputMessage: {
            content: 'You are terse.\nWhen the Write or Edit tool has content size limits, ...',
            modelId: 'claude-sonnet-4.5',
            origin: 'AI_EDITOR',
          },
        },
        { assistantResponseMessage: { content: 'I will follow these instructions.' } },
        {
          userInputMessage: {
            content: 'Weather in Paris?',
            modelId: 'claude-sonnet-4.5',
            origin: 'AI_EDITOR',
          },
        },
        {
          assistantResponseMessage: {
            content: ' ',
            toolUses: [{ toolUseId: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }],
          },
        },
      ],
    },
    profileArn: EXAMPLE_PROFILE_ARN,
  };
}
