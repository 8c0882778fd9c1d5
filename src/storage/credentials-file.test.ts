import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../shared/errors.js';
import { createSilentLogger } from '../shared/logger.js';
import {
  CredentialsFile,
  CredentialsFileRegistry,
  parseCredentialsText,
  serializeCredentials,
} from './credentials-file.js';

let dir: string;
let file: string;
const logger = createSilentLogger();

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kirogate-credfile-'));
  file = path.join(dir, 'credentials.json');
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const readJson = async (): Promise<unknown> => JSON.parse(await fs.readFile(file, 'utf8')) as unknown;
const EXPIRES = Date.UTC(2026, 3, 24, 10, 15, 30, 123);

describe('parseCredentialsText', () => {
  it('reads both shapes, a BOM and a blank file', () => {
    expect(parseCredentialsText('\uFEFF{"id":1}', 'c.json')).toEqual({
      shape: 'object',
      entries: [{ id: 1 }],
    });
    expect(parseCredentialsText('[{"id":1},{"id":2}]', 'c.json')).toEqual({
      shape: 'array',
      entries: [{ id: 1 }, { id: 2 }],
    });
    expect(parseCredentialsText(' \n', 'c.json')).toEqual({ shape: 'array', entries: [] });
  });

  it('rejects other shapes with the file and index named', () => {
    expect(() => parseCredentialsText('[{"id":1}, "x"]', 'c.json')).toThrow(
      'c.json: [1]: expected object, received string',
    );
    expect(() => parseCredentialsText('42', 'c.json')).toThrow(ConfigError);
  });

  it('serialises 2-space JSON with a trailing newline', () => {
    expect(serializeCredentials({ shape: 'object', entries: [{ a: 1 }] })).toBe('{\n  "a": 1\n}\n');
    expect(serializeCredentials({ shape: 'array', entries: [{ a: 1 }] })).toBe(
      '[\n  {\n    "a": 1\n  }\n]\n',
    );
  });
});

describe('CredentialsFile.update', () => {
  it('keeps an object file an object, with unknown fields and key order', async () => {
    await fs.writeFile(
      file,
      '\uFEFF{"id":1,"refreshToken":"old","customNote":"mine","expiresAt":"2020-01-01T00:00:00Z","nested":{"x":[1]}}',
    );
    await new CredentialsFile(file, { logger }).update(1, {
      accessToken: 'access-new',
      refreshToken: 'refresh-new',
      expiresAt: EXPIRES,
      profileArn: 'arn:aws:codewhisperer:us-east-1:1:profile/X',
    });
    const text = await fs.readFile(file, 'utf8');
    expect(Object.keys(JSON.parse(text) as object)).toEqual([
      'id',
      'refreshToken',
      'customNote',
      'expiresAt',
      'nested',
      'accessToken',
      'profileArn',
    ]);
    expect(JSON.parse(text)).toEqual({
      id: 1,
      refreshToken: 'refresh-new',
      customNote: 'mine',
      expiresAt: '2026-04-24T10:15:30.123Z',
      nested: { x: [1] },
      accessToken: 'access-new',
      profileArn: 'arn:aws:codewhisperer:us-east-1:1:profile/X',
    });
    expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
  });

  it('keeps an array file an array and touches only the matching entry', async () => {
    await fs.writeFile(
      file,
      JSON.stringify([
        { id: 1, refreshToken: 'a', x: true },
        { id: 2, refreshToken: 'b' },
      ]),
    );
    await new CredentialsFile(file, { logger }).update(2, { accessToken: 'tok', refreshToken: undefined });
    expect(await readJson()).toEqual([
      { id: 1, refreshToken: 'a', x: true },
      { id: 2, refreshToken: 'b', accessToken: 'tok' },
    ]);
  });

  it('concurrent updates of two ids both land', async () => {
    await fs.writeFile(file, JSON.stringify([{ id: 1 }, { id: 2 }]));
    const credentialsFile = new CredentialsFile(file, { logger });
    await Promise.all([
      credentialsFile.update(1, { accessToken: 'one' }),
      credentialsFile.update(2, { accessToken: 'two' }),
      credentialsFile.update(1, { refreshToken: 'one-r' }),
    ]);
    expect(await readJson()).toEqual([
      { id: 1, accessToken: 'one', refreshToken: 'one-r' },
      { id: 2, accessToken: 'two' },
    ]);
  });

  it('queued patches of one id apply in order', async () => {
    await fs.writeFile(file, JSON.stringify([{ id: 1 }]));
    const credentialsFile = new CredentialsFile(file, { logger });
    await Promise.all(
      Array.from({ length: 10 }, (_, index) => credentialsFile.update(1, { accessToken: `t${index}` })),
    );
    expect(await readJson()).toEqual([{ id: 1, accessToken: 't9' }]);
  });

  it('an account added by hand between load and update is not lost', async () => {
    await fs.writeFile(file, JSON.stringify([{ id: 1, refreshToken: 'a' }]));
    const credentialsFile = new CredentialsFile(file, { logger });
    expect(await credentialsFile.read()).toEqual({ shape: 'array', entries: [{ id: 1, refreshToken: 'a' }] });
    await fs.writeFile(
      file,
      JSON.stringify([{ id: 1, refreshToken: 'a' }, { refreshToken: 'added-by-hand' }], null, 4),
    );
    await credentialsFile.update(1, { accessToken: 'x' });
    expect(await readJson()).toEqual([
      { id: 1, refreshToken: 'a', accessToken: 'x' },
      { refreshToken: 'added-by-hand' },
    ]);
  });

  it('keeps a patch pending while the file is invalid and writes it once the file is fixed', async () => {
    await fs.writeFile(file, JSON.stringify([{ id: 1 }]));
    const credentialsFile = new CredentialsFile(file, { logger });
    await fs.writeFile(file, '[{"id":1},'); // half-saved hand edit
    await expect(credentialsFile.update(1, { refreshToken: 'rotated' })).rejects.toThrow(
      /invalid JSON at line 1, column 11/,
    );
    expect(await fs.readFile(file, 'utf8')).toBe('[{"id":1},'); // never overwritten
    await fs.writeFile(file, JSON.stringify([{ id: 1 }, { id: 2 }]));
    await credentialsFile.update(2, { accessToken: 'a2' });
    expect(await readJson()).toEqual([
      { id: 1, refreshToken: 'rotated' },
      { id: 2, accessToken: 'a2' },
    ]);
  });

  it('drops a patch for an id that is gone and does not recreate a deleted file', async () => {
    const spyLogger = createSilentLogger();
    const warn = vi.spyOn(spyLogger, 'warn');
    const credentialsFile = new CredentialsFile(file, { logger: spyLogger });
    await fs.writeFile(file, JSON.stringify([{ id: 1 }]));
    await credentialsFile.update(7, { accessToken: 'x' });
    expect(await readJson()).toEqual([{ id: 1 }]);
    expect(warn).toHaveBeenCalledOnce();
    await fs.rm(file);
    await credentialsFile.update(1, { accessToken: 'x' });
    await expect(fs.access(file)).rejects.toThrow();
  });

  it('does not rewrite the file when nothing changes', async () => {
    await fs.writeFile(file, '[{"id":1,"accessToken":"same"}]', { mode: 0o644 });
    await new CredentialsFile(file, { logger }).update(1, { accessToken: 'same' });
    expect(await fs.readFile(file, 'utf8')).toBe('[{"id":1,"accessToken":"same"}]');
  });
});

describe('CredentialsFile.transform', () => {
  it('writes only what the change returns, serialised with other writes', async () => {
    await fs.writeFile(file, JSON.stringify({ refreshToken: 'r' }));
    const credentialsFile = new CredentialsFile(file, { logger });
    const result = await credentialsFile.transform((content) => ({
      result: content?.shape,
      write: { shape: 'object', entries: [{ id: 1, ...content?.entries[0] }] },
    }));
    expect(result).toBe('object');
    expect(await readJson()).toEqual({ id: 1, refreshToken: 'r' });
  });
});

describe('CredentialsFileRegistry', () => {
  it('returns one instance per resolved path', () => {
    const registry = new CredentialsFileRegistry({ logger });
    expect(registry.get(file)).toBe(registry.get(path.join(dir, '.', 'credentials.json')));
  });
});
