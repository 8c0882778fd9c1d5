import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../shared/clock.js';
import { KiroSimulator } from './kiro-simulator.js';
import { DEFAULT_SOCIAL_PROFILE_ARN } from './sim-account.js';
import { authHeaders, chat, postJson, simpleRequest } from './simulator-test-helpers.js';

const BEARER_INVALID = {
  __type: 'com.amazon.aws.codewhisperer#AccessDeniedException',
  message: 'The bearer token included in the request is invalid.',
};
const INVALID_GRANT = { error: 'invalid_grant', error_description: 'Invalid refresh token provided' };

describe('KiroSimulator tokens and account states', () => {
  let clock: ManualClock;
  let simulator: KiroSimulator;

  beforeEach(async () => {
    clock = new ManualClock(Date.UTC(2026, 4, 20, 12));
    simulator = await KiroSimulator.start({ clock });
  });
  afterEach(() => simulator.close());

  async function answer(response: Response): Promise<{ status: number; json: unknown }> {
    const text = await response.text();
    return { status: response.status, json: response.status === 200 ? text : JSON.parse(text) };
  }

  describe('bearer checks', () => {
    it('answers 403 for a missing or unknown bearer, namespaced per host', async () => {
      const noAuth = await postJson(simulator, '/generateAssistantResponse', simpleRequest('hi'));
      expect(await answer(noAuth)).toEqual({ status: 403, json: BEARER_INVALID });
      const unknown = await postJson(simulator, '/generateAssistantResponse', simpleRequest('hi'), {
        authorization: `Bearer aoa${'x'.repeat(120)}`,
      });
      expect(await answer(unknown)).toEqual({ status: 403, json: BEARER_INVALID });
      const runtime = await postJson(simulator, '/runtime/generateAssistantResponse', simpleRequest('hi'));
      expect((await answer(runtime)).json).toEqual({
        ...BEARER_INVALID,
        __type: 'com.amazon.kiro.runtimeservice#AccessDeniedException',
      });
    });

    it('issues realistic tokens', () => {
      const social = simulator.addAccount({ authMethod: 'social' });
      expect(social.accessToken).toMatch(/^aoa[A-Za-z0-9_-]{100,}$/);
      expect(social.refreshToken).toMatch(/^aor[A-Za-z0-9_-]{100,}$/);
      expect(social.profileArn).toBe(DEFAULT_SOCIAL_PROFILE_ARN);
      const idc = simulator.addAccount({ authMethod: 'idc' });
      expect(idc.clientId).toBeTruthy();
      expect(Buffer.from(idc.clientId!, 'base64url').toString()).toMatch(/us-east-1$/);
      expect(idc.profileArn).toMatch(/^arn:aws:codewhisperer:us-east-1:\d{12}:profile\/[A-Z0-9]{12}$/);
      const apiKey = simulator.addAccount({ authMethod: 'api_key' });
      expect(apiKey.apiKey).toMatch(/^ksk_/);
      expect(apiKey.accessToken).toBeUndefined();
    });

    it('expires access tokens on the injected clock', async () => {
      const account = simulator.addAccount({ authMethod: 'social', expiresInSeconds: 600 });
      expect(account.accessTokenExpiresAt).toBe(clock.now() + 600_000);
      clock.advance(599_000);
      expect((await chat(simulator, account, simpleRequest('hi'))).status).toBe(200);
      clock.advance(1000);
      expect(await answer(await chat(simulator, account, simpleRequest('hi')))).toEqual({
        status: 403,
        json: BEARER_INVALID,
      });
    });

    it('expires every current token on request', async () => {
      const account = simulator.addAccount({ authMethod: 'social' });
      const patched = simulator.updateAccount(account.id, { expireAccessTokens: true });
      expect(patched.accessTokenExpiresAt).toBe(clock.now());
      expect((await chat(simulator, account, simpleRequest('hi'))).status).toBe(403);
    });

    it('takes an API key as the bearer only with tokentype: API_KEY', async () => {
      const account = simulator.addAccount({ authMethod: 'api_key' });
      expect((await chat(simulator, account, simpleRequest('hi'))).status).toBe(200);
      const withoutType = await postJson(simulator, '/generateAssistantResponse', simpleRequest('hi'), {
        authorization: `Bearer ${account.apiKey}`,
      });
      expect(withoutType.status).toBe(403);
    });

    it('rejects tokens invalidated upstream until the next refresh', async () => {
      const account = simulator.addAccount({ authMethod: 'social' });
      simulator.updateAccount(account.id, { invalidateAccessTokens: true });
      expect((await chat(simulator, account, simpleRequest('hi'))).status).toBe(403);
      await postJson(simulator, '/refreshToken', { refreshToken: account.refreshToken });
      expect((await chat(simulator, simulator.account(account.id), simpleRequest('hi'))).status).toBe(200);
    });
  });

  describe('social refresh', () => {
    it('returns a new access token, the same refresh token, the profileArn and expiresIn', async () => {
      const account = simulator.addAccount({ authMethod: 'social', expiresInSeconds: 1800 });
      const response = await postJson(simulator, '/refreshToken', { refreshToken: account.refreshToken });
      expect(response.status).toBe(200);
      const body = (await response.json()) as Record<string, unknown>;
      expect(Object.keys(body)).toEqual(['accessToken', 'refreshToken', 'profileArn', 'expiresIn']);
      expect(body).toMatchObject({
        refreshToken: account.refreshToken,
        profileArn: account.profileArn,
        expiresIn: 1800,
      });
      expect(body.accessToken).not.toBe(account.accessToken);
      expect(simulator.account(account.id).accessToken).toBe(body.accessToken);
      // Both the old and the new access token keep working until they expire.
      expect((await chat(simulator, simulator.account(account.id), simpleRequest('hi'))).status).toBe(200);
      expect((await chat(simulator, account, simpleRequest('hi'))).status).toBe(200);
      expect(simulator.stats.refreshCalls).toEqual({
        social: 1,
        idc: 0,
        failed: 0,
        byAccount: { [account.id]: 1 },
      });
    });

    it('rotates when configured, retiring the old refresh token', async () => {
      const account = simulator.addAccount({ authMethod: 'social', rotateSocialRefreshTokens: true });
      const first = (await (
        await postJson(simulator, '/refreshToken', { refreshToken: account.refreshToken })
      ).json()) as {
        refreshToken: string;
      };
      expect(first.refreshToken).not.toBe(account.refreshToken);
      const replay = await postJson(simulator, '/refreshToken', { refreshToken: account.refreshToken });
      expect(await answer(replay)).toEqual({ status: 400, json: INVALID_GRANT });
    });

    it('refuses unknown, revoked and IdC refresh tokens with invalid_grant', async () => {
      const revoked = simulator.addAccount({ authMethod: 'social', revoked: true });
      const idc = simulator.addAccount({ authMethod: 'idc' });
      for (const refreshToken of [`aor${'z'.repeat(120)}`, revoked.refreshToken, idc.refreshToken]) {
        expect(await answer(await postJson(simulator, '/refreshToken', { refreshToken }))).toEqual({
          status: 400,
          json: INVALID_GRANT,
        });
      }
      expect(simulator.stats.refreshCalls.failed).toBe(3);
    });

    it('answers a configured refresh fault', async () => {
      const account = simulator.addAccount({
        authMethod: 'social',
        refreshFault: { status: 503, body: { message: 'Service Unavailable' } },
      });
      const response = await postJson(simulator, '/refreshToken', { refreshToken: account.refreshToken });
      expect(await answer(response)).toEqual({ status: 503, json: { message: 'Service Unavailable' } });
    });

    it('holds the next refresh answer (token already rotated) until released', async () => {
      const account = simulator.addAccount({ authMethod: 'social', rotateSocialRefreshTokens: true });
      const hold = simulator.holdRefresh(account.id);
      let answered = false;
      const pending = postJson(simulator, '/refreshToken', { refreshToken: account.refreshToken }).then(
        async (response) => {
          answered = true;
          return (await response.json()) as { refreshToken: string };
        },
      );
      await hold.arrived;
      const rotated = simulator.account(account.id).refreshToken;
      expect(rotated).not.toBe(account.refreshToken);
      expect(answered).toBe(false);
      hold.release();
      expect((await pending).refreshToken).toBe(rotated);
      // one refresh per hold: the next one is answered at once
      const next = await postJson(simulator, '/refreshToken', { refreshToken: rotated });
      expect(next.status).toBe(200);
    });
  });

  describe('IdC refresh (rotation)', () => {
    function refreshIdc(body: Record<string, unknown>): Promise<Response> {
      return postJson(simulator, '/token', body);
    }

    it('rotates single-use refresh tokens; replaying the old one is invalid_grant', async () => {
      const account = simulator.addAccount({ authMethod: 'idc' });
      const request = {
        clientId: account.clientId,
        clientSecret: account.clientSecret,
        refreshToken: account.refreshToken,
        grantType: 'refresh_token',
      };
      const first = await refreshIdc(request);
      expect(first.status).toBe(200);
      const body = (await first.json()) as Record<string, unknown>;
      expect(Object.keys(body)).toEqual(['accessToken', 'refreshToken', 'expiresIn', 'tokenType']);
      expect(body).toMatchObject({ expiresIn: 3600, tokenType: 'Bearer' });
      expect(body.refreshToken).toMatch(/^aor/);
      expect(body.refreshToken).not.toBe(account.refreshToken);
      expect(simulator.account(account.id).refreshToken).toBe(body.refreshToken);

      expect(await answer(await refreshIdc(request))).toEqual({ status: 400, json: INVALID_GRANT });
      const next = await refreshIdc({ ...request, refreshToken: body.refreshToken });
      expect(next.status).toBe(200);
      expect((await chat(simulator, simulator.account(account.id), simpleRequest('hi'))).status).toBe(200);
      expect(simulator.stats.refreshCalls).toMatchObject({ idc: 3, failed: 1 });
    });

    it('refuses a wrong client secret with invalid_client and a wrong grant type', async () => {
      const account = simulator.addAccount({ authMethod: 'idc' });
      const request = {
        clientId: account.clientId,
        clientSecret: 'wrong',
        refreshToken: account.refreshToken,
        grantType: 'refresh_token',
      };
      expect(await answer(await refreshIdc(request))).toEqual({
        status: 400,
        json: { error: 'invalid_client', error_description: 'Invalid client provided' },
      });
      const grant = await refreshIdc({
        ...request,
        clientSecret: account.clientSecret,
        grantType: 'password',
      });
      expect(grant.status).toBe(400);
      expect(await grant.json()).toMatchObject({ error: 'unsupported_grant_type' });
      simulator.updateAccount(account.id, { clientExpired: true });
      const expired = await refreshIdc({ ...request, clientSecret: account.clientSecret });
      expect(await expired.json()).toMatchObject({ error: 'invalid_client' });
    });

    it('revoked accounts lose refresh and bearer', async () => {
      const account = simulator.addAccount({ authMethod: 'idc' });
      simulator.updateAccount(account.id, { revoked: true });
      const refused = await refreshIdc({
        clientId: account.clientId,
        clientSecret: account.clientSecret,
        refreshToken: account.refreshToken,
        grantType: 'refresh_token',
      });
      expect(await answer(refused)).toEqual({ status: 400, json: INVALID_GRANT });
      expect((await chat(simulator, account, simpleRequest('hi'))).status).toBe(403);
    });
  });

  describe('account states', () => {
    it('suspended → 403 TEMPORARILY_SUSPENDED', async () => {
      const account = simulator.addAccount({ authMethod: 'social', suspended: true });
      expect(await answer(await chat(simulator, account, simpleRequest('hi')))).toEqual({
        status: 403,
        json: {
          __type: 'com.amazon.kiro.runtimeservice#AccessDeniedException',
          message:
            'Your User ID is temporarily suspended. We detected unusual user activity and locked it as a security precaution...',
          reason: 'TEMPORARILY_SUSPENDED',
        },
      });
    });

    it('throttled → 429 ThrottlingException with Retry-After, lifted on the clock', async () => {
      const account = simulator.addAccount({
        authMethod: 'social',
        throttled: { retryAfterSeconds: 30, durationSeconds: 30 },
      });
      const response = await chat(simulator, account, simpleRequest('hi'));
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('30');
      expect(await response.json()).toMatchObject({
        __type: 'com.amazon.aws.codewhisperer#ThrottlingException',
      });
      clock.advance(30_000);
      expect((await chat(simulator, account, simpleRequest('hi'))).status).toBe(200);
      expect(simulator.account(account.id).throttled).toBeUndefined();
    });

    it('quota exhausted → 402 MONTHLY_REQUEST_COUNT, by flag or by usage', async () => {
      const flagged = simulator.addAccount({ authMethod: 'social', quotaExhausted: true });
      const spent = simulator.addAccount({ authMethod: 'social', usageLimit: 100, currentUsage: 100 });
      for (const account of [flagged, spent]) {
        expect(await answer(await chat(simulator, account, simpleRequest('hi')))).toEqual({
          status: 402,
          json: { message: 'You have reached the limit.', reason: 'MONTHLY_REQUEST_COUNT' },
        });
      }
    });

    it('free tier → 403 FEATURE_NOT_SUPPORTED for Opus only', async () => {
      const account = simulator.addAccount({ authMethod: 'social', tier: 'FREE' });
      const opus = await chat(simulator, account, simpleRequest('hi', 'claude-opus-4.6'));
      expect(opus.status).toBe(403);
      expect(await opus.json()).toMatchObject({
        __type: 'com.amazon.aws.codewhisperer#AccessDeniedException',
        reason: 'FEATURE_NOT_SUPPORTED',
      });
      expect((await chat(simulator, account, simpleRequest('hi', 'claude-sonnet-4.5'))).status).toBe(200);
    });

    it('redacts bearers in recorded requests', async () => {
      const account = simulator.addAccount({ authMethod: 'social' });
      await chat(simulator, account, simpleRequest('hi'));
      await postJson(simulator, '/refreshToken', { refreshToken: account.refreshToken });
      const [chatRecord, refreshRecord] = simulator.stats.requests;
      expect(chatRecord?.headers.authorization).toBe('Bearer [redacted]');
      expect(JSON.stringify(simulator.stats)).not.toContain(account.accessToken);
      expect(refreshRecord?.body).toEqual({ refreshToken: '[redacted]' });
      expect(authHeaders(account).authorization).toContain(account.accessToken);
    });
  });
});
