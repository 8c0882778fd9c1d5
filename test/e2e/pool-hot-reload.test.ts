// Issue 4, item 10: credentials.json and config.json are picked up without a restart (runGateway's
// file watcher); an invalid file is logged with its reason and the running pool keeps working.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../helpers/start-stack.js';
import { startStack } from '../helpers/start-stack.js';
import type { MemoryLogger } from '../helpers/memory-logger.js';
import { createMemoryLogger } from '../helpers/memory-logger.js';
import {
  chatCounts,
  editCredentials as editCredentialsOf,
  entry,
  eventually,
  postMessage,
  readCredentialEntries,
  replaceFile,
  simId,
  socialAccounts,
  warmUp,
} from '../helpers/pool-harness.js';
import type { FileEntry } from '../helpers/pool-harness.js';

let stack: Stack;
let logs: MemoryLogger;
/** credentials.json as it was before the invalid-file tests. */
let validCredentials = '[]';

beforeAll(async () => {
  logs = createMemoryLogger('info');
  stack = await startStack({
    viaRunGateway: true,
    accounts: socialAccounts(2),
    config: { loadBalancingMode: 'round-robin', logLevel: 'info' },
    logger: logs.logger,
  });
  // Every account holds a token, so no refresh writes credentials.json while the tests edit it.
  await warmUp(stack);
});
afterAll(() => stack.close());

const readEntries = () => readCredentialEntries(stack);
const editCredentials = (change: (entries: FileEntry[]) => FileEntry[]) => editCredentialsOf(stack, change);

async function editConfig(change: (config: FileEntry) => FileEntry): Promise<void> {
  const config = JSON.parse(await readFile(stack.configPath, 'utf8')) as FileEntry;
  await replaceFile(stack.configPath, `${JSON.stringify(change(config), null, 2)}\n`);
}

/** Waits for a "reload failed" log line about `file` and returns its error text. */
async function reloadFailure(file: string, after: number): Promise<string> {
  let error = '';
  await eventually(() => {
    const line = logs
      .records()
      .slice(after)
      .find((candidate) => candidate.msg === 'reload failed; keeping the running settings');
    expect(line?.file).toBe(file);
    error = String(line?.error);
  });
  return error;
}

async function serves(count = 4): Promise<Record<string, number>> {
  stack.sim.resetStats();
  for (let index = 0; index < count; index++)
    expect((await postMessage(stack, `ping ${index}`)).status).toBe(200);
  return chatCounts(stack);
}

describe('hot reload', () => {
  it('an added account is used without a restart; the others keep their state', async () => {
    await serves(4);
    stack.sim.updateAccount(simId(2), { throttled: { retryAfterSeconds: 3600 } });
    await postMessage(stack, 'account 1');
    await postMessage(stack, 'account 2 answers 429: it cools down, account 1 serves');
    const [one, two] = [entry(stack, 1), entry(stack, 2)];
    const before = structuredClone({ one: one.counters, two: two.counters, twoStatus: two.status });
    expect(two.status.kind).toBe('cooling');

    const added = stack.sim.addAccount({ id: simId(3), authMethod: 'social' });
    await editCredentials((entries) => [
      ...entries,
      { refreshToken: added.refreshToken, authMethod: 'social' },
    ]);
    await eventually(() => expect(stack.gateway.services.pool.list()).toHaveLength(3));

    // Same objects, same counters and status; their tokens were not refreshed again.
    expect(entry(stack, 1)).toBe(one);
    expect(entry(stack, 2)).toBe(two);
    expect({ one: one.counters, two: two.counters, twoStatus: two.status }).toEqual(before);
    // The gateway gave the new entry the next id and wrote it back to the file.
    await eventually(async () =>
      expect((await readEntries()).map((candidate) => candidate.id)).toEqual([1, 2, 3]),
    );
    stack.sim.resetStats();
    const counts = await serves(4);
    expect(counts).toEqual({ [simId(1)]: 2, [simId(3)]: 2 });
    expect(stack.sim.stats.refreshCalls.byAccount).toEqual({ [simId(3)]: 1 });
  });

  it('a loadBalancingMode change in config.json is applied', async () => {
    expect(stack.gateway.services.pool.policy).toEqual({ mode: 'round-robin', sticky: false });
    await editConfig((config) => ({ ...config, loadBalancingMode: 'priority' }));
    await eventually(() =>
      expect(stack.gateway.services.pool.policy).toEqual({ mode: 'priority', sticky: false }),
    );
    expect(await serves(3)).toEqual({ [simId(1)]: 3 });
  });

  it('upstream settings in config.json (kiroVersion, nodeVersion) apply to the next request', async () => {
    await editConfig((config) => ({ ...config, kiroVersion: '0.99.1', nodeVersion: '24.0.0' }));
    await eventually(async () => {
      stack.sim.resetStats();
      expect((await postMessage(stack, 'after the version change')).status).toBe(200);
      const chat = stack.sim.stats.requests.find((request) =>
        request.path.endsWith('/generateAssistantResponse'),
      );
      expect(chat?.headers['x-amz-user-agent']).toMatch(
        /^aws-sdk-js\/1\.0\.34 KiroIDE-0\.99\.1-[0-9a-f]{64}$/,
      );
      expect(chat?.headers['user-agent']).toContain('md/nodejs#24.0.0');
    });
  });

  it('invalid JSON in credentials.json is rejected with a logged reason; the pool keeps working', async () => {
    const mark = logs.records().length;
    const pool = stack.gateway.services.pool.list();
    validCredentials = await readFile(stack.credentialsPath, 'utf8');
    await replaceFile(stack.credentialsPath, '[{ "refreshToken": ');
    expect(await reloadFailure(stack.credentialsPath, mark)).toMatch(/credentials\.json/);
    expect(stack.gateway.services.pool.list()).toEqual(pool);
    expect(Object.keys(await serves(2))).toEqual([simId(1)]);
  });

  it('an invalid field in credentials.json is rejected with the field named', async () => {
    const mark = logs.records().length;
    const entries = JSON.parse(validCredentials) as FileEntry[];
    await replaceFile(
      stack.credentialsPath,
      JSON.stringify([...entries, { refreshToken: 'x'.repeat(40), priority: 'high' }]),
    );
    expect(await reloadFailure(stack.credentialsPath, mark)).toMatch(/priority/);
    expect(stack.gateway.services.pool.list()).toHaveLength(3);
    expect((await postMessage(stack, 'still fine')).status).toBe(200);
  });

  it('invalid config.json (bad JSON, then a bad field) is rejected; the running settings stay', async () => {
    let mark = logs.records().length;
    const good = await readFile(stack.configPath, 'utf8');
    await replaceFile(stack.configPath, '{ "loadBalancingMode": ');
    expect(await reloadFailure(stack.configPath, mark)).toMatch(/config\.json/);
    mark = logs.records().length;
    await replaceFile(stack.configPath, good.replace('"priority"', '"fastest"'));
    expect(await reloadFailure(stack.configPath, mark)).toMatch(/loadBalancingMode/);
    expect(stack.gateway.services.pool.policy).toEqual({ mode: 'priority', sticky: false });
    expect((await postMessage(stack, 'config still applies')).status).toBe(200);
    await replaceFile(stack.configPath, good);
  });

  it('an account disabled in the file is not chosen; re-enabled, it serves again', async () => {
    // Restore a valid credentials.json (the previous tests left an invalid one) with account 1 disabled.
    const entries: FileEntry[] = [1, 2, 3].map((id) => ({
      id,
      refreshToken: stack.sim.account(simId(id)).refreshToken,
      authMethod: 'social',
      ...(id === 1 ? { disabled: true } : {}),
    }));
    await replaceFile(stack.credentialsPath, JSON.stringify(entries, null, 2));
    await eventually(() =>
      expect(entry(stack, 1).status).toMatchObject({ kind: 'disabled', reason: 'manual' }),
    );
    // Account 2 is still cooling from the first test; account 3 takes everything.
    expect(await serves(3)).toEqual({ [simId(3)]: 3 });
    await replaceFile(
      stack.credentialsPath,
      JSON.stringify(entries.map(({ disabled: _d, ...rest }) => rest)),
    );
    await eventually(() => expect(entry(stack, 1).status).toEqual({ kind: 'active' }));
    expect(await serves(2)).toEqual({ [simId(1)]: 2 });
    expect(logs.records().map((record) => record.msg)).toContain('credentials reloaded');
  });
});
