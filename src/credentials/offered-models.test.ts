import { describe, expect, it } from 'vitest';
import { testSpec } from '../../test/helpers/credential-spec.js';
import { ManualClock } from '../shared/clock.js';
import { createSilentLogger } from '../shared/logger.js';
import type { KiroCallContext, KiroClient, KiroModelInfo } from '../upstream/kiro-client.js';
import type { AccessTokenProvider } from './access-token-provider.js';
import { CredentialEntry } from './credential-entry.js';
import { OfferedModels } from './offered-models.js';

function setup(answers: (KiroModelInfo[] | Error)[]) {
  const clock = new ManualClock();
  let calls = 0;
  const client = {
    listAvailableModels: () => {
      const answer = answers[Math.min(calls++, answers.length - 1)]!;
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
  } as unknown as KiroClient;
  const models = new OfferedModels({
    client,
    tokens: {} as AccessTokenProvider,
    clock,
    logger: createSilentLogger(),
    refreshMs: () => 3_600_000,
  });
  const entry = new CredentialEntry(testSpec({ id: 1 }), {});
  const context: KiroCallContext = { spec: entry.spec, accessToken: 't', profileArn: undefined };
  return { clock, models, entry, context, calls: () => calls };
}

const list = (...ids: string[]): KiroModelInfo[] => ids.map((modelId) => ({ modelId }));

describe('OfferedModels', () => {
  it('fetches once on first need, then serves the cache until it is stale', async () => {
    const { clock, models, entry, context, calls } = setup([list('a'), list('a', 'b')]);
    expect(await models.get(entry, context)).toEqual(['a']);
    expect(models.get(entry, context)).toEqual(['a']);
    expect(calls()).toBe(1);
    clock.advance(3_600_000);
    // Stale: still answered from the cache, fetched again in the background.
    expect(models.get(entry, context)).toEqual(['a']);
    expect(await models.refresh(entry, context)).toEqual(['a', 'b']);
    expect(calls()).toBe(2);
  });

  it('a failed fetch keeps the previous list and is retried no sooner than a minute later', async () => {
    const { clock, models, entry, context, calls } = setup([new Error('down'), list('a')]);
    expect(await models.get(entry, context)).toBeUndefined();
    expect(models.get(entry, context)).toBeUndefined();
    expect(calls()).toBe(1);
    clock.advance(60_000);
    expect(models.get(entry, context)).toBeUndefined();
    expect(await models.refresh(entry, context)).toEqual(['a']);
    expect(models.known(entry)).toEqual(['a']);
  });
});
