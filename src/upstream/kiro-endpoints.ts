import type { CredentialSpec } from './credential.js';

/** The base URL templates (`{region}` substituted) the upstream calls; config.json supplies them. */
export interface UpstreamUrlConfig {
  apiBaseUrl: string;
  runtimeBaseUrl: string;
  managementBaseUrl: string;
  authBaseUrl: string;
  oidcBaseUrl: string;
}

type EndpointSpec = Pick<CredentialSpec, 'apiRegion' | 'authRegion' | 'endpoint'>;

/** Substitutes `{region}` and drops trailing slashes. */
export function resolveBaseUrl(template: string, region: string): string {
  return template.replaceAll('{region}', region).replace(/\/+$/, '');
}

/** The chat host: q.{region}.amazonaws.com, or runtime.{region}.kiro.dev (§1.2). */
export function chatBaseUrl(urls: UpstreamUrlConfig, spec: EndpointSpec): string {
  const template = spec.endpoint === 'runtime' ? urls.runtimeBaseUrl : urls.apiBaseUrl;
  return resolveBaseUrl(template, spec.apiRegion);
}

/** Usage limits, model list and profiles: the q. host, or management.{region}.kiro.dev after the migration. */
export function managementBaseUrl(urls: UpstreamUrlConfig, spec: EndpointSpec): string {
  const template = spec.endpoint === 'runtime' ? urls.managementBaseUrl : urls.apiBaseUrl;
  return resolveBaseUrl(template, spec.apiRegion);
}

export function generateAssistantResponseUrl(urls: UpstreamUrlConfig, spec: EndpointSpec): string {
  return `${chatBaseUrl(urls, spec)}/generateAssistantResponse`;
}

export function mcpUrl(urls: UpstreamUrlConfig, spec: EndpointSpec): string {
  return `${chatBaseUrl(urls, spec)}/mcp`;
}

export function usageLimitsUrl(
  urls: UpstreamUrlConfig,
  spec: EndpointSpec,
  profileArn: string | undefined,
): string {
  const query = new URLSearchParams({
    origin: 'AI_EDITOR',
    resourceType: 'AGENTIC_REQUEST',
    isEmailRequired: 'true',
  });
  if (profileArn) query.set('profileArn', profileArn);
  return `${managementBaseUrl(urls, spec)}/getUsageLimits?${query.toString()}`;
}

export function listModelsUrl(
  urls: UpstreamUrlConfig,
  spec: EndpointSpec,
  profileArn: string | undefined,
): string {
  const query = new URLSearchParams({ origin: 'AI_EDITOR' });
  if (profileArn) query.set('profileArn', profileArn);
  return `${managementBaseUrl(urls, spec)}/ListAvailableModels?${query.toString()}`;
}

export function listProfilesUrl(urls: UpstreamUrlConfig, spec: EndpointSpec): string {
  return `${managementBaseUrl(urls, spec)}/listAvailableProfiles`;
}

export function socialRefreshUrl(urls: UpstreamUrlConfig, spec: EndpointSpec): string {
  return `${resolveBaseUrl(urls.authBaseUrl, spec.authRegion)}/refreshToken`;
}

export function idcRefreshUrl(urls: UpstreamUrlConfig, spec: EndpointSpec): string {
  return `${resolveBaseUrl(urls.oidcBaseUrl, spec.authRegion)}/token`;
}
