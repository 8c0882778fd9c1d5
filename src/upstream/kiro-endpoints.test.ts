import { describe, expect, it } from 'vitest';
import type { UpstreamUrlConfig } from './kiro-endpoints.js';
import {
  generateAssistantResponseUrl,
  idcRefreshUrl,
  listModelsUrl,
  listProfilesUrl,
  mcpUrl,
  socialRefreshUrl,
  usageLimitsUrl,
} from './kiro-endpoints.js';

/** The production defaults (§1.1). */
const URLS: UpstreamUrlConfig = {
  apiBaseUrl: 'https://q.{region}.amazonaws.com',
  runtimeBaseUrl: 'https://runtime.{region}.kiro.dev',
  managementBaseUrl: 'https://management.{region}.kiro.dev',
  authBaseUrl: 'https://prod.{region}.auth.desktop.kiro.dev',
  oidcBaseUrl: 'https://oidc.{region}.amazonaws.com',
};
const ARN = 'arn:aws:codewhisperer:eu-central-1:123456789012:profile/ABC';

describe('upstream URLs', () => {
  const ide = { apiRegion: 'eu-central-1', authRegion: 'eu-west-1', endpoint: 'ide' as const };
  const runtime = { ...ide, endpoint: 'runtime' as const };

  it('the ide endpoint uses q.{apiRegion} for chat, MCP, usage and models', () => {
    expect(generateAssistantResponseUrl(URLS, ide)).toBe(
      'https://q.eu-central-1.amazonaws.com/generateAssistantResponse',
    );
    expect(mcpUrl(URLS, ide)).toBe('https://q.eu-central-1.amazonaws.com/mcp');
    expect(usageLimitsUrl(URLS, ide, ARN)).toBe(
      'https://q.eu-central-1.amazonaws.com/getUsageLimits?origin=AI_EDITOR&resourceType=AGENTIC_REQUEST' +
        `&isEmailRequired=true&profileArn=${encodeURIComponent(ARN)}`,
    );
    expect(listModelsUrl(URLS, ide, undefined)).toBe(
      'https://q.eu-central-1.amazonaws.com/ListAvailableModels?origin=AI_EDITOR',
    );
  });

  it('the runtime endpoint uses runtime.{apiRegion} for chat and management.{apiRegion} for the rest', () => {
    expect(generateAssistantResponseUrl(URLS, runtime)).toBe(
      'https://runtime.eu-central-1.kiro.dev/generateAssistantResponse',
    );
    expect(listProfilesUrl(URLS, runtime)).toBe(
      'https://management.eu-central-1.kiro.dev/listAvailableProfiles',
    );
    expect(usageLimitsUrl(URLS, runtime, undefined)).toMatch(
      /^https:\/\/management\.eu-central-1\.kiro\.dev\/getUsageLimits\?/,
    );
  });

  it('refreshes go to the auth region (§1.4), whatever the endpoint', () => {
    expect(socialRefreshUrl(URLS, runtime)).toBe('https://prod.eu-west-1.auth.desktop.kiro.dev/refreshToken');
    expect(idcRefreshUrl(URLS, ide)).toBe('https://oidc.eu-west-1.amazonaws.com/token');
  });

  it('substitutes {region} anywhere in a custom base URL and drops trailing slashes', () => {
    const custom = {
      ...URLS,
      apiBaseUrl: 'http://127.0.0.1:9000/kiro/{region}/',
      oidcBaseUrl: 'http://oidc/',
    };
    expect(generateAssistantResponseUrl(custom, ide)).toBe(
      'http://127.0.0.1:9000/kiro/eu-central-1/generateAssistantResponse',
    );
    expect(idcRefreshUrl(custom, ide)).toBe('http://oidc/token');
  });
});
