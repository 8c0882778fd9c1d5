import { describe, expect, it } from 'vitest';
import { configError, token, useCredentialsSandbox } from './credentials-test-helpers.js';

const sandbox = useCredentialsSandbox('kirogate-creds-');
const { load, writeCredentials } = sandbox;

describe('credentials.json errors', () => {
  it.each([
    [
      [{ refreshToken: token('a') }, { authMethod: 'idc', refreshToken: token('b'), clientId: 'c' }],
      'credentials.json: [1].clientSecret: required when authMethod is "idc"',
    ],
    [
      [{ refreshToken: 'aorAAAA...' }],
      'credentials.json: [0].refreshToken: looks truncated (contains "...")',
    ],
    [[{ authMethod: 'social' }], 'credentials.json: [0].refreshToken: required when authMethod is "social"'],
    [[{ authMethod: 'api_key' }], 'credentials.json: [0].kiroApiKey: required when authMethod is "api_key"'],
    [
      [{ authMethod: 'oauth', refreshToken: token('a') }],
      'credentials.json: [0].authMethod: expected social, idc or api_key (aliases builder-id, iam, apikey), received "oauth"',
    ],
    [[{ refreshToken: 42 }], 'credentials.json: [0].refreshToken: expected string, received number'],
    [
      [{ refreshToken: token('a'), priority: 'high' }],
      'credentials.json: [0].priority: expected number, received string',
    ],
    [
      [{ refreshToken: token('a'), disabled: 'yes' }],
      'credentials.json: [0].disabled: expected boolean, received string',
    ],
    [
      [{ refreshToken: token('a'), endpoint: 'cloud' }],
      'credentials.json: [0].endpoint: expected "ide" or "runtime", received "cloud"',
    ],
    [
      [{ refreshToken: token('a'), proxyUrl: 'proxy:8080' }],
      'credentials.json: [0].proxyUrl: expected "direct" or an http, https or socks5 URL',
    ],
    [
      // undici has no SOCKS4: refused at start-up instead of failing every request
      [{ refreshToken: token('a'), proxyUrl: 'socks4://proxy:1080' }],
      'credentials.json: [0].proxyUrl: expected "direct" or an http, https or socks5 URL',
    ],
    [
      [
        { id: 1, refreshToken: token('a') },
        { id: 1, refreshToken: token('b') },
      ],
      'credentials.json: [1].id: duplicate id 1 (also used by [0])',
    ],
    [
      { authMethod: 'idc', refreshToken: token('a') },
      'credentials.json: clientId: required when authMethod is "idc"; clientSecret: required when authMethod is "idc"',
    ],
    [
      '[{"refreshToken": "x",}]',
      'credentials.json: invalid JSON at line 1, column 23: trailing comma before "}"',
    ],
    ['"just a string"', 'credentials.json: expected an object or an array of objects, received string'],
  ])('%j', async (content, message) => {
    await writeCredentials(content);
    const error = await configError(load());
    expect(error).toBe(message);
  });

  it('never echoes secrets in errors', async () => {
    await writeCredentials([{ refreshToken: 'aorSECRET...', clientSecret: 'SECRET2', authMethod: 'idc' }]);
    expect(await configError(load())).not.toContain('SECRET');
  });

  it('a short refresh token is only a notice', async () => {
    await writeCredentials([{ refreshToken: 'aor-short' }]);
    const { credentials, notices } = await load();
    expect(credentials).toHaveLength(1);
    expect(notices).toContain(
      'credentials.json: [0].refreshToken: only 9 characters; real ones are longer, check it was copied completely',
    );
    expect(notices.join('\n')).not.toContain('aor-short');
  });

  it('problems of a disabled entry are notices, so it can stay in the file', async () => {
    await writeCredentials([
      { id: 1, disabled: true, refreshToken: 'aor...' },
      { id: 2, refreshToken: token('ok') },
    ]);
    const { credentials, notices } = await load();
    expect(credentials.map((credential) => [credential.spec.id, credential.spec.disabled])).toEqual([
      [1, true],
      [2, false],
    ]);
    expect(notices.some((notice) => notice.includes('looks truncated') && notice.includes('disabled'))).toBe(
      true,
    );
  });

  it('entries holding one secret are said once: they are one account to Kiro and share one state', async () => {
    await writeCredentials([
      { id: 1, refreshToken: token('same') },
      { id: 2, refreshToken: token('other') },
      { id: 3, refreshToken: token('same') },
      { id: 4, kiroApiKey: 'ksk_same' },
      { id: 5, kiroApiKey: 'ksk_same' },
    ]);
    const { credentials, notices } = await load();
    expect(credentials).toHaveLength(5);
    expect(notices.filter((notice) => notice.includes('the same'))).toEqual([
      'credentials.json: credentials 1 and 3 hold the same refresh token; only one account will work',
      'credentials.json: credentials 4 and 5 hold the same API key; only one account will work',
    ]);
    expect(notices.join('\n')).not.toContain(token('same'));
  });
});
