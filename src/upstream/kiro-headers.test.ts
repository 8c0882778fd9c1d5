import { describe, expect, it } from 'vitest';
import type { ClientIdentity } from './kiro-headers.js';
import {
  chatHeaders,
  idcRefreshHeaders,
  mcpHeaders,
  runtimeHeaders,
  socialRefreshHeaders,
  systemVersionFor,
} from './kiro-headers.js';

// The machine id of §2.3's first vector: sha256_hex("KotlinNativeAPI/test_refresh_token").
const MACHINE_ID = 'd8f9e744094de07e7773b722f04e18417ab6ea08442df337812cd632e1c92e40';
const identity: ClientIdentity = {
  kiroVersion: '0.11.107',
  nodeVersion: '22.22.0',
  systemVersion: 'darwin#24.6.0',
  machineId: MACHINE_ID,
};

describe('chat headers (§2.1)', () => {
  it('match kiro.rs byte for byte', () => {
    expect(chatHeaders(identity, { token: 'aoaTOKEN', isApiKey: false }, 'inv-1')).toEqual({
      'content-type': 'application/json',
      'x-amzn-codewhisperer-optout': 'true',
      'x-amzn-kiro-agent-mode': 'vibe',
      'x-amz-user-agent': `aws-sdk-js/1.0.34 KiroIDE-0.11.107-${MACHINE_ID}`,
      'user-agent':
        'aws-sdk-js/1.0.34 ua/2.1 os/darwin#24.6.0 lang/js md/nodejs#22.22.0 ' +
        `api/codewhispererstreaming#1.0.34 m/E KiroIDE-0.11.107-${MACHINE_ID}`,
      'amz-sdk-invocation-id': 'inv-1',
      'amz-sdk-request': 'attempt=1; max=3',
      authorization: 'Bearer aoaTOKEN',
    });
  });

  it('send API keys as the bearer with tokentype API_KEY', () => {
    const headers = chatHeaders(identity, { token: 'ksk_abc', isApiKey: true }, 'inv');
    expect(headers.authorization).toBe('Bearer ksk_abc');
    expect(headers.tokentype).toBe('API_KEY');
  });

  it('honour kiroVersion and nodeVersion', () => {
    const headers = chatHeaders(
      { ...identity, kiroVersion: '0.12.1', nodeVersion: '20.1.0' },
      { token: 't', isApiKey: false },
      'i',
    );
    expect(headers['user-agent']).toContain('md/nodejs#20.1.0');
    expect(headers['x-amz-user-agent']).toBe(`aws-sdk-js/1.0.34 KiroIDE-0.12.1-${MACHINE_ID}`);
  });

  it('choose a stable system version per machine id when unset', () => {
    const unset = { ...identity, systemVersion: undefined };
    expect(['darwin#24.6.0', 'win32#10.0.22631']).toContain(systemVersionFor(unset));
    expect(systemVersionFor(unset)).toBe(systemVersionFor(unset));
    const versions = new Set(
      Array.from({ length: 16 }, (_, index) =>
        systemVersionFor({ ...unset, machineId: `${index}`.repeat(64).slice(0, 64) }),
      ),
    );
    expect(versions.size).toBe(2);
  });
});

describe('other endpoint headers (§2.2)', () => {
  it('usage limits use the runtime SDK agent and max=1', () => {
    const headers = runtimeHeaders(identity, { token: 't', isApiKey: false }, 'inv');
    expect(headers['x-amz-user-agent']).toBe(`aws-sdk-js/1.0.0 KiroIDE-0.11.107-${MACHINE_ID}`);
    expect(headers['user-agent']).toBe(
      'aws-sdk-js/1.0.0 ua/2.1 os/darwin#24.6.0 lang/js md/nodejs#22.22.0 ' +
        `api/codewhispererruntime#1.0.0 m/N,E KiroIDE-0.11.107-${MACHINE_ID}`,
    );
    expect(headers['amz-sdk-request']).toBe('attempt=1; max=1');
    expect(headers).not.toHaveProperty('x-amzn-codewhisperer-optout');
  });

  it('mcp drops opt-out and agent mode and adds the profile ARN', () => {
    const headers = mcpHeaders(
      identity,
      { token: 't', isApiKey: false },
      'inv',
      'arn:aws:codewhisperer:us-east-1:1:profile/X',
    );
    expect(headers).not.toHaveProperty('x-amzn-codewhisperer-optout');
    expect(headers).not.toHaveProperty('x-amzn-kiro-agent-mode');
    expect(headers['x-amzn-kiro-profile-arn']).toBe('arn:aws:codewhisperer:us-east-1:1:profile/X');
  });

  it('social refresh identifies as the IDE', () => {
    expect(socialRefreshHeaders(identity)).toEqual({
      accept: 'application/json, text/plain, */*',
      'content-type': 'application/json',
      'user-agent': `KiroIDE-0.11.107-${MACHINE_ID}`,
    });
  });

  it('IdC refresh uses the sso-oidc SDK agent', () => {
    const headers = idcRefreshHeaders(identity, 'inv');
    expect(headers['x-amz-user-agent']).toBe('aws-sdk-js/3.980.0 KiroIDE');
    expect(headers['user-agent']).toBe(
      'aws-sdk-js/3.980.0 ua/2.1 os/darwin#24.6.0 lang/js md/nodejs#22.22.0 api/sso-oidc#3.980.0 m/E KiroIDE',
    );
    expect(headers['amz-sdk-request']).toBe('attempt=1; max=4');
    expect(headers).not.toHaveProperty('authorization');
  });
});
