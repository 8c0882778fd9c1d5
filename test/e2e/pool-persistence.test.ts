// Issue 4, items 9 and 12: state survives a restart on the same data directory; every request is
// logged (and the log trimmed); credits from meteringEvent and tokens accumulate per account.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/shared/clock.js';
import type { Stack, StackOptions } from '../helpers/start-stack.js';
import { startStack } from '../helpers/start-stack.js';
import { SONNET, entry, postMessage, simId, socialAccounts, warmUp } from '../helpers/pool-harness.js';

const stacks: Stack[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const stack of stacks.splice(0)) await stack.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function start(options: StackOptions): Promise<Stack> {
  const stack = await startStack({
    accounts: socialAccounts(3),
    credentialFields: [{ priority: 0 }, { priority: 1 }, { priority: 2 }],
    ...options,
    config: { loadBalancingMode: 'priority', ...options.config },
  });
  stacks.push(stack);
  return stack;
}

describe('restart on the same data directory', () => {
  it('keeps cooling/disabled status, counters, the usage snapshot and the request log', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kirogate-restart-'));
    dirs.push(dir);
    const clock = new ManualClock();
    const first = await start({ dir, clock });
    await warmUp(first);
    first.sim.updateAccount(simId(1), { throttled: { retryAfterSeconds: 900 } });
    first.sim.updateAccount(simId(2), { suspended: true });
    for (let index = 0; index < 3; index++)
      expect((await postMessage(first, `before ${index}`)).status).toBe(200);
    await first.gateway.services.accounts.refreshUsage(entry(first, 3));
    const before = [1, 2, 3].map((id) => {
      const { status, counters, usage } = entry(first, id);
      return structuredClone({ status, counters, usage });
    });
    expect(before[0]!.status).toMatchObject({ kind: 'cooling', until: clock.now() + 900_000 });
    expect(before[1]!.status).toMatchObject({ kind: 'disabled', reason: 'suspended' });
    expect(before[2]!.counters).toMatchObject({ requests: 3, successes: 3 });
    expect(before[2]!.usage?.used).toBeGreaterThan(0);
    const log = first.gateway.services.requestLog!.recent(100);
    expect(log).toHaveLength(3);
    await first.closeGateway();

    clock.advance(60_000);
    const second = await start({ dir, clock });
    const after = [1, 2, 3].map((id) => {
      const { status, counters, usage } = entry(second, id);
      return { status, counters, usage };
    });
    expect(after).toEqual(before);
    expect(second.gateway.services.requestLog!.recent(100)).toEqual(log);
    // The restored state is in force: the cooling and the suspended account are not chosen.
    expect((await postMessage(second, 'after restart')).status).toBe(200);
    expect(second.sim.stats.chatByAccount).toEqual({ [simId(3)]: 1 });
    expect(entry(second, 3).counters.requests).toBe(4);
  });
});

describe('request log and accounting', () => {
  it('records model, account, status, tokens, credits and error type per request', async () => {
    const clock = new ManualClock();
    const current = await start({ clock });
    current.sim.enqueueScript({ httpError: 'improperly-formed' }, { messageIncludes: 'bad one' });
    const message = await current.anthropic.messages.create({
      model: SONNET,
      max_tokens: 50,
      messages: [{ role: 'user', content: 'good one' }],
    });
    expect((await postMessage(current, 'bad one')).status).toBe(400);
    const [bad, good] = current.gateway.services.requestLog!.recent(10);
    expect(good).toMatchObject({
      endpoint: '/v1/messages',
      model: SONNET,
      kiroModel: 'claude-sonnet-4.6',
      credentialId: 1,
      stream: false,
      status: 200,
      outputTokens: message.usage.output_tokens,
      errorType: undefined,
    });
    expect(good!.inputTokens).toBeGreaterThan(0);
    expect(good!.credits).toBeGreaterThan(0);
    expect(good!.credits).toBeCloseTo(current.sim.account(simId(1)).currentUsage, 4);
    expect(bad).toMatchObject({ model: SONNET, status: 400, errorType: 'invalid_request_error' });
  });

  it('is trimmed to requestLogSize (newest kept)', async () => {
    const current = await start({ config: { requestLogSize: 5 } });
    for (let index = 0; index < 8; index++) await postMessage(current, `log ${index}`);
    const log = current.gateway.services.requestLog!.recent(100);
    expect(log).toHaveLength(5);
    const ids = log.map((row) => row.requestId);
    expect(new Set(ids).size).toBe(5);
  });

  it('credits from meteringEvent and tokens accumulate per account', async () => {
    const current = await start({ config: { loadBalancingMode: 'round-robin' } });
    const usage = new Map<number, { input: number; output: number }>();
    for (let index = 0; index < 9; index++) {
      const message = await current.anthropic.messages.create({
        model: SONNET,
        max_tokens: 50,
        messages: [{ role: 'user', content: `count me ${index} ${'x'.repeat(index * 40)}` }],
      });
      const id = (index % 3) + 1;
      const total = usage.get(id) ?? { input: 0, output: 0 };
      usage.set(id, {
        input: total.input + message.usage.input_tokens,
        output: total.output + message.usage.output_tokens,
      });
    }
    for (const id of [1, 2, 3]) {
      const { counters } = entry(current, id);
      expect(counters.requests).toBe(3);
      expect(counters.successes).toBe(3);
      // What the simulator metered for the account is exactly what the gateway booked.
      expect(counters.credits).toBeCloseTo(current.sim.account(simId(id)).currentUsage, 6);
      expect(entry(current, id).creditsSinceSnapshot).toBeCloseTo(counters.credits, 6);
      expect(counters.inputTokens).toBe(usage.get(id)!.input);
      expect(counters.outputTokens).toBe(usage.get(id)!.output);
    }
  });
});
