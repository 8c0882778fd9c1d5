import { convertAnthropicRequestToKiro } from '../../conversion/anthropic-to-kiro/convert-anthropic-request-to-kiro.js';
import type { GatewayServices } from './gateway-services.js';
import { parseMessagesRequest } from '../../protocols/anthropic/messages-request.js';
import { countTokensRemote } from '../../tokens/count-tokens-remote.js';
import { requireApiKey } from '../api-key-auth.js';
import { sendJson } from '../anthropic-error-body.js';
import { readJsonBody } from '../read-json-body.js';
import type { RouteHandler } from '../router.js';
import { conversionContext } from './conversion-context.js';

/**
 * POST /v1/messages/count_tokens. The count is made on the request Kiro would receive (our injected
 * system turn, thinking prefix and tool suffixes included) plus Kiro's hidden prompt
 * (`kiroPromptTokens`), on the tokenizer worker, so it agrees with message_start. An external count API, when configured, is asked first.
 */
export function countTokensHandler(services: GatewayServices): RouteHandler {
  return async (context) => {
    const config = services.config();
    requireApiKey(context.request.headers, config.apiKey ?? '');
    const body = await readJsonBody(context.request, config.maxRequestBodyBytes);
    const request = parseMessagesRequest(body);
    const conversion = convertAnthropicRequestToKiro(request, conversionContext(services));
    if (config.countTokensApiUrl) {
      const remote = await countTokensRemote(body as Record<string, unknown>, {
        url: config.countTokensApiUrl,
        authType: config.countTokensAuthType,
        ...(config.countTokensApiKey ? { apiKey: config.countTokensApiKey } : {}),
        onFailure: (reason) => context.logger.warn({ reason }, 'count_tokens API failed; counting locally'),
      });
      if (remote !== undefined) {
        sendJson(context.response, 200, { input_tokens: remote + config.kiroPromptTokens });
        return;
      }
    }
    const inputTokens = await services.tokenCounter.countRequest(conversion.request, {
      hiddenPromptTokens: config.kiroPromptTokens,
    });
    sendJson(context.response, 200, { input_tokens: inputTokens });
  };
}
