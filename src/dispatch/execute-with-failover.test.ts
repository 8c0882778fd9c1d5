import { describe, expect, it } from 'vitest';
import type { AccessTokenProvider } from '../credentials/access-token-provider.js';
import { CredentialEntry } from '../credentials/credential-entry.js';
import { DEFAULT_HEALTH } from '../credentials/credential-health.js';
import { CredentialPool } from '../credentials/credential-pool.js';
import { ManualClock } from '../shared/clock.js';
import { ApiError } from '../shared/errors.js';
import { createSilentLogger } from '../shared/logger.js';
import { EmptyAnswerError, UpstreamHttpError } from '../upstream/upstream-error.js';
import type { DispatchDependencies } from './execute-with-failover.js';
import { executeWithFailover } from './execute-with-failover.js';
import { testSpec } from '../../test/helpers/credential-spec.js';

const model = { kiroModelId: 'claude-sonnet-4.6', family: 'sonnet' };

function setup(count: number) {
  const clock = new ManualClock();
  const entries = Array.from(
    { length: count },
    (_, index) =>
      new CredentialEntry(testSpec({ id: index + 1, priority: index }), {
        accessToken: 't',
        expiresAt: clock.now() + 3600_000,
      }),
  );
  const pool = new CredentialPool(entries, { clock, policy: { mode: 'priority', sticky: false } });
  const waits: number[] = [];
  const deps: DispatchDependencies = {
    pool,
    tokens: { getAccessToken: () => Promise.resolve('t') } as unknown as AccessTokenProvider,
    clock,
    logger: createSilentLogger(),
    health: { ...DEFAULT_HEALTH, cooldownMs: 300_000 },
    maxAttemptsPerAccount: 3,
    maxAttemptsPerRequest: 9,
    random: () => 0.5,
    wait: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
  };
  return { clock, pool, deps, waits, request: { model, signal: new AbortController().signal } };
}

const fail = (status: number, retryAfter?: number) => () =>
  Promise.reject(new UpstreamHttpError('generateAssistantResponse', status, '{"message":"x"}', retryAfter));

describe('executeWithFailover', () => {
  it('backs off between transient attempts, never after the last one', async () => {
    const { deps, waits, request } = setup(1);
    await expect(executeWithFailover(deps, request, fail(503))).rejects.toBeInstanceOf(ApiError);
    expect(waits).toEqual([225, 450]); // 200 ms × 2^n plus 12.5 % jitter (random 0.5)
  });

  it('stops at maxAttemptsPerRequest with at most maxAttemptsPerAccount per account', async () => {
    const { deps, waits, request } = setup(5);
    const seen: number[] = [];
    await expect(
      executeWithFailover(deps, request, (context) => {
        seen.push(Number(context.spec.id));
        return fail(500)();
      }),
    ).rejects.toBeInstanceOf(ApiError);
    expect(seen).toHaveLength(9);
    for (const id of [1, 2, 3, 4, 5])
      expect(seen.filter((seenId) => seenId === id).length).toBeLessThanOrEqual(3);
    expect(waits).toHaveLength(8);
  });

  it('when every account ends up throttled, the error says when the next one frees up', async () => {
    const { deps, request, clock } = setup(2);
    const error = await executeWithFailover(deps, request, fail(429, 30)).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 429, type: 'rate_limit_error', retryAfterSeconds: 30 });
    expect((error as Error).message).toContain(new Date(clock.now() + 30_000).toISOString());
  });

  it('a throttled account and a suspended one: 429 with the cooldown as Retry-After, 403 for a long one', async () => {
    const { deps, request, pool, clock } = setup(2);
    pool.get(2)!.disable('suspended', 's', clock.now());
    const error = await executeWithFailover(deps, request, fail(429, 30)).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 429, type: 'rate_limit_error', retryAfterSeconds: 30 });
    clock.advance(30_000);
    const late = await executeWithFailover(deps, request, fail(429, 3600)).catch((caught: unknown) => caught);
    expect(late).toMatchObject({ status: 403, type: 'permission_error', retryAfterSeconds: undefined });
  });

  it('an empty answer on every attempt: 502 "Kiro returned an empty answer", each one a transient failure', async () => {
    const { deps, waits, request, pool } = setup(1);
    const error = await executeWithFailover(deps, request, () =>
      Promise.reject(new EmptyAnswerError(['metering'])),
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 502, type: 'api_error' });
    expect((error as Error).message).toContain('Kiro returned an empty answer');
    expect(waits).toHaveLength(2);
    expect(pool.get(1)!.transientStreak).toBe(3);
  });

  it('fails over to the next account and returns its result', async () => {
    const { deps, request, pool } = setup(2);
    const result = await executeWithFailover(deps, request, (context) =>
      context.spec.id === 1 ? fail(429)() : Promise.resolve('ok'),
    );
    expect(result).toMatchObject({ result: 'ok', attempts: 2 });
    expect(result.entry.id).toBe(2);
    expect(pool.get(1)!.status.kind).toBe('cooling');
  });
});
