// The write-back guard: a refreshed token goes to the entry that still holds its account, never over a
// secret the user put there meanwhile (issue 14 §1, "nothing is lost").
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../test/helpers/memory-logger.js';
import type { MemoryLogger } from '../../test/helpers/memory-logger.js';
import { CredentialsFile } from './credentials-file.js';
import type { AccountSecrets } from './credentials-file.js';

let dir: string;
let file: string;
let logs: MemoryLogger;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kirogate-credaccount-'));
  file = path.join(dir, 'credentials.json');
  logs = createMemoryLogger('info');
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const write = (entries: unknown[]) => fs.writeFile(file, `${JSON.stringify(entries, null, 2)}\n`);
const readJson = async (): Promise<unknown> => JSON.parse(await fs.readFile(file, 'utf8')) as unknown;
const tokens = (...values: string[]): AccountSecrets => ({ field: 'refreshToken', values });
const rotation = { accessToken: 'a-old-2', refreshToken: 'old-2' };
const messages = () => logs.records().map((record) => record.msg);

describe('CredentialsFile.update with the account it is for', () => {
  it('leaves an entry whose token the user replaced, and says so', async () => {
    await write([{ id: 1, refreshToken: 'users-new', note: 'mine' }]);
    await new CredentialsFile(file, { logger: logs.logger }).update(1, rotation, tokens('old-1', 'old-2'));
    expect(await readJson()).toEqual([{ id: 1, refreshToken: 'users-new', note: 'mine' }]);
    expect(messages()).toContain(
      'credential 1 now holds another refresh token (edited by hand): left as is; the refreshed tokens of the account it held before are dropped (that account is no longer in the file)',
    );
  });

  it('writes to the entry the account moved to, not over the new one at its old id', async () => {
    await write([
      { id: 1, refreshToken: 'users-new' },
      { id: 2, refreshToken: 'old-1' },
    ]);
    await new CredentialsFile(file, { logger: logs.logger }).update(1, rotation, tokens('old-1', 'old-2'));
    expect(await readJson()).toEqual([
      { id: 1, refreshToken: 'users-new' },
      { id: 2, refreshToken: 'old-2', accessToken: 'a-old-2' },
    ]);
    expect(messages()).toContain('the account of credential 1 is now credential 2; tokens written there');
  });

  it('updates an entry holding a token kirogate rotated away from (an editor saved an older buffer)', async () => {
    await write([{ id: 1, refreshToken: 'old-1' }]);
    const credentials = new CredentialsFile(file, { logger: logs.logger });
    await credentials.update(1, rotation, tokens('old-1', 'old-2'));
    await write([{ id: 1, refreshToken: 'old-1', note: 'older buffer' }]);
    await credentials.update(1, { refreshToken: 'old-3' }, tokens('old-1', 'old-2', 'old-3'));
    expect(await readJson()).toEqual([{ id: 1, refreshToken: 'old-3', note: 'older buffer' }]);
  });

  it('keeps queued patches of two accounts for one id apart', async () => {
    await write([{ id: 1, refreshToken: 'users-new' }]);
    const credentials = new CredentialsFile(file, { logger: logs.logger });
    await Promise.all([
      credentials.update(1, rotation, tokens('old-1', 'old-2')),
      credentials.update(1, { profileArn: 'arn:new' }, tokens('users-new')),
    ]);
    expect(await readJson()).toEqual([{ id: 1, refreshToken: 'users-new', profileArn: 'arn:new' }]);
  });

  it('guards an API-key entry by its key', async () => {
    await write([{ id: 1, kiroApiKey: 'ksk_new' }]);
    const key = (value: string): AccountSecrets => ({ field: 'kiroApiKey', values: [value] });
    const credentials = new CredentialsFile(file, { logger: logs.logger });
    await credentials.update(1, { profileArn: 'arn:old' }, key('ksk_old'));
    expect(await readJson()).toEqual([{ id: 1, kiroApiKey: 'ksk_new' }]);
    await credentials.update(1, { profileArn: 'arn:new' }, key('ksk_new'));
    expect(await readJson()).toEqual([{ id: 1, kiroApiKey: 'ksk_new', profileArn: 'arn:new' }]);
  });
});
