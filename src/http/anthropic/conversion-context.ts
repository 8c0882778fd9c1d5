import type { GatewayServices } from './gateway-services.js';

/** The request-conversion context from the current config. */
export function conversionContext(services: GatewayServices) {
  const config = services.config();
  return {
    newId: services.newId,
    modelMapping: config.modelMapping,
    maxUpstreamBodyBytes: config.maxUpstreamBodyBytes,
    payloadGuard: config.payloadGuard,
  };
}
