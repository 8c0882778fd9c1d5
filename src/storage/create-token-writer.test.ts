import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CredentialOrigin, CredentialSpec } from '../upstream/credential.js';
import { createSilentLogger } from '../shared/logger.js';
import { createTokenWriter } from './create-token-writer.js';
import { testSpec } from '../../test/helpers/credential-spec.js';

let dir: string;
const logger = createSilentLogger();

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kirogate-writer-'));
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

function spec(id: number, origin: CredentialOrigin): CredentialSpec {
  return testSpec({ id, stateKey: `test:${id}`, authMethod: 'idc', origin });
}

describe('createTokenWriter', () => {
  it('routes file credentials to their credentials file', async () => {
    const file = path.join(dir, 'credentials.json');
    await fs.writeFile(
      file,
      JSON.stringify([
        { id: 1, refreshToken: 'r1', extra: 1 },
        { id: 2, refreshToken: 'r2' },
      ]),
    );
    const write = createTokenWriter({ logger });
    const origin: CredentialOrigin = { kind: 'file', path: file };
    await Promise.all([
      write(
        spec(1, origin),
        {
          accessToken: 'a1',
          refreshToken: 'r1-rotated',
          expiresAt: Date.UTC(2026, 0, 1),
        },
        ['r1'],
      ),
      write(spec(2, origin), { accessToken: 'a2', profileArn: 'arn:p' }, []),
    ]);
    expect(JSON.parse(await fs.readFile(file, 'utf8'))).toEqual([
      {
        id: 1,
        refreshToken: 'r1-rotated',
        extra: 1,
        accessToken: 'a1',
        expiresAt: '2026-01-01T00:00:00.000Z',
      },
      { id: 2, refreshToken: 'r2', accessToken: 'a2', profileArn: 'arn:p' },
    ]);
  });

  it('routes IDE-cache credentials to the IDE file', async () => {
    const file = path.join(dir, 'kiro-auth-token.json');
    await fs.writeFile(
      file,
      JSON.stringify({ accessToken: 'a', refreshToken: 'r', authMethod: 'IdC', clientIdHash: 'h' }),
    );
    await createTokenWriter({ logger })(
      spec(1, { kind: 'ide-cache', path: file }),
      { accessToken: 'a2', refreshToken: 'r2' },
      ['r'],
    );
    expect(JSON.parse(await fs.readFile(file, 'utf8'))).toEqual({
      accessToken: 'a2',
      refreshToken: 'r2',
      authMethod: 'IdC',
      clientIdHash: 'h',
    });
  });

  it('does nothing for env credentials', async () => {
    await expect(
      createTokenWriter({ logger })(
        spec(1, { kind: 'env', variable: 'REFRESH_TOKEN' }),
        { accessToken: 'x' },
        [],
      ),
    ).resolves.toBeUndefined();
    expect(await fs.readdir(dir)).toEqual([]);
  });
});
