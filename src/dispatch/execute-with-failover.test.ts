import { describe, expect, it } from 'vitest';
import type { AccessTokenProvider } from '../credentials/access-token-provider.js';
import { CredentialEntry } from '../credentials/credential-entry.js';
import { DEFAULT_HEALTH } from '../credentials/credential-health.js';
import { CredentialPool } from '../credentials/credential-pool.js';
import { ManualClock } from '../shared/clock.js';
import { ApiError, NotFoundError } from '../shared/errors.js';
import { createSilentLogger } from '../shared/logger.js';
import { EmptyAnswerError, UpstreamHttpError } from '../upstream/upstream-error.js';
import type { DispatchDependencies, OfferedModelLists } from './execute-with-failover.js';
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

  describe('offered models', () => {
    /** Account id → its list; `refresh` re-reads it, as Kiro's answer would. */
    function lists(current: Record<number, string[]>, upstream: Record<number, string[]>) {
      const refreshed: number[] = [];
      const offered: OfferedModelLists = {
        get: (entry) => current[entry.id],
        refresh: (entry) => {
          refreshed.push(entry.id);
          current[entry.id] = upstream[entry.id] ?? [];
          return Promise.resolve(current[entry.id]);
        },
      };
      return { offered, refreshed };
    }
    const invalidModel = () =>
      Promise.reject(
        new UpstreamHttpError(
          'generateAssistantResponse',
          400,
          '{"message":"Invalid model.","reason":"INVALID_MODEL_ID"}',
          undefined,
        ),
      );
    const newestOrSame = (offered: readonly string[] | undefined) =>
      offered === undefined || offered.includes('claude-sonnet-4.6') ? 'claude-sonnet-4.6' : offered[0];
    /** Dispatches with `newestOrSame`, recording `account model` of every upstream call. */
    async function dispatchRecording(
      { deps, request }: ReturnType<typeof setup>,
      answer: (kiroModelId: string) => Promise<string>,
    ) {
      const sent: string[] = [];
      const dispatched = await executeWithFailover(
        deps,
        { ...request, chooseModel: newestOrSame },
        (context, id) => {
          sent.push(`${context.spec.id} ${id}`);
          return answer(id);
        },
      );
      return { dispatched, sent };
    }

    it('skips an account that offers nothing that fits, without counting an attempt on it', async () => {
      const current = setup(2);
      current.deps.offeredModels = lists({ 1: [], 2: ['claude-sonnet-4.6'] }, {}).offered;
      const { dispatched, sent } = await dispatchRecording(current, () => Promise.resolve('ok'));
      expect(dispatched).toMatchObject({ result: 'ok', kiroModelId: 'claude-sonnet-4.6' });
      expect(sent).toEqual(['2 claude-sonnet-4.6']);
      expect(current.pool.get(1)!.counters.requests).toBe(0);
    });

    it('INVALID_MODEL_ID: fetches the list again and retries the same account with what it now offers', async () => {
      const current = setup(2);
      const { offered, refreshed } = lists({ 1: ['claude-sonnet-4.6'] }, { 1: ['claude-sonnet-4.5'] });
      current.deps.offeredModels = offered;
      const { dispatched, sent } = await dispatchRecording(current, (id) =>
        id === 'claude-sonnet-4.6' ? invalidModel() : Promise.resolve('ok'),
      );
      expect(sent).toEqual(['1 claude-sonnet-4.6', '1 claude-sonnet-4.5']);
      expect(refreshed).toEqual([1]);
      expect(dispatched.kiroModelId).toBe('claude-sonnet-4.5');
      expect(current.pool.get(1)!.counters.failures).toBe(0);
    });

    it('404 when no account serves the model; at once without chooseModel (modelFallback off)', async () => {
      const { deps, request } = setup(2);
      deps.offeredModels = lists({ 1: ['claude-sonnet-4.6'], 2: ['claude-sonnet-4.6'] }, {}).offered;
      const calls: number[] = [];
      const call = (context: { spec: { id: number } }) => {
        calls.push(context.spec.id);
        return invalidModel();
      };
      await expect(
        executeWithFailover(deps, { ...request, chooseModel: newestOrSame }, call),
      ).rejects.toBeInstanceOf(NotFoundError);
      expect(calls).toEqual([1, 2]);
      calls.length = 0;
      await expect(executeWithFailover(deps, request, call)).rejects.toBeInstanceOf(NotFoundError);
      expect(calls).toEqual([1]);
    });
  });
});
