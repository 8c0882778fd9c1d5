import type { KiroGenerateRequest } from '../../upstream/kiro-request.js';
import type { GatewayServices } from './gateway-services.js';

/** Counts after the event loop had a chance to send the upstream request, so counting never delays it. */
export async function estimateInputTokens(
  services: GatewayServices,
  request: KiroGenerateRequest,
): Promise<number> {
  await new Promise((resolve) => setImmediate(resolve));
  return services.tokenCounter.countRequest(request, {
    hiddenPromptTokens: services.config().kiroPromptTokens,
  });
}
