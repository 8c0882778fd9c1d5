import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { atomicWriteFile } from './atomic-write-file.js';
import { versionContent } from './test-support/rewrite-loop.js';

let dir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kirogate-atomic-'));
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const modeOf = async (file: string): Promise<number> => (await fs.stat(file)).mode & 0o777;

describe('atomicWriteFile', () => {
  it('creates a file with mode 0600', async () => {
    const file = path.join(dir, 'a.json');
    await atomicWriteFile(file, '{"a":1}\n');
    expect(await fs.readFile(file, 'utf8')).toBe('{"a":1}\n');
    expect(await modeOf(file)).toBe(0o600);
  });

  it('replaces an existing file and tightens its mode to 0600', async () => {
    const file = path.join(dir, 'a.json');
    await fs.writeFile(file, 'old', { mode: 0o644 });
    await atomicWriteFile(file, new TextEncoder().encode('new'));
    expect(await fs.readFile(file, 'utf8')).toBe('new');
    expect(await modeOf(file)).toBe(0o600);
    expect(await fs.readdir(dir)).toEqual(['a.json']);
  });

  it('honours an explicit mode', async () => {
    const file = path.join(dir, 'a.json');
    await atomicWriteFile(file, 'x', { mode: 0o640 });
    expect(await modeOf(file)).toBe(0o640);
  });

  it('writes through a symlink and keeps the link', async () => {
    const real = path.join(dir, 'real.json');
    const link = path.join(dir, 'link.json');
    await fs.writeFile(real, 'old');
    await fs.symlink(real, link);
    await atomicWriteFile(link, 'new');
    expect((await fs.lstat(link)).isSymbolicLink()).toBe(true);
    expect(await fs.readFile(real, 'utf8')).toBe('new');
  });

  it('a failure between the temp write and the rename leaves the original intact and no temp file', async () => {
    const file = path.join(dir, 'credentials.json');
    await fs.writeFile(file, 'original');
    const rename = vi
      .spyOn(fs, 'rename')
      .mockRejectedValueOnce(Object.assign(new Error('disk on fire'), { code: 'EIO' }));
    await expect(atomicWriteFile(file, 'replacement')).rejects.toThrow('disk on fire');
    expect(rename).toHaveBeenCalledOnce();
    expect(await fs.readFile(file, 'utf8')).toBe('original');
    expect(await fs.readdir(dir)).toEqual(['credentials.json']);
  });

  it('a failure while writing the temp file leaves the original intact and no temp file', async () => {
    const file = path.join(dir, 'credentials.json');
    await fs.writeFile(file, 'original');
    const realOpen = fs.open.bind(fs);
    vi.spyOn(fs, 'open').mockImplementationOnce(async (...args: Parameters<typeof fs.open>) => {
      const handle = await realOpen(...args);
      vi.spyOn(handle, 'sync').mockRejectedValueOnce(
        Object.assign(new Error('fsync failed'), { code: 'EIO' }),
      );
      return handle;
    });
    await expect(atomicWriteFile(file, 'replacement')).rejects.toThrow('fsync failed');
    expect(await fs.readFile(file, 'utf8')).toBe('original');
    expect(await fs.readdir(dir)).toEqual(['credentials.json']);
  });

  it('falls back to an in-place overwrite when the target is a bind mount (EBUSY)', async () => {
    const file = path.join(dir, 'config.json');
    await fs.writeFile(file, 'original-and-longer');
    vi.spyOn(fs, 'rename').mockRejectedValueOnce(Object.assign(new Error('busy'), { code: 'EBUSY' }));
    await atomicWriteFile(file, 'new');
    expect(await fs.readFile(file, 'utf8')).toBe('new');
    expect(await fs.readdir(dir)).toEqual(['config.json']);
  });

  it('concurrent writers leave exactly one complete version', async () => {
    const file = path.join(dir, 'a.json');
    await Promise.all(Array.from({ length: 20 }, (_, index) => atomicWriteFile(file, versionContent(index))));
    const parsed = JSON.parse(await fs.readFile(file, 'utf8')) as { version: number };
    expect(await fs.readFile(file, 'utf8')).toBe(versionContent(parsed.version));
    expect(await fs.readdir(dir)).toEqual(['a.json']);
  });
});

describe('crash safety', () => {
  const repoRoot = path.resolve(import.meta.dirname, '../..');
  const child = path.join(import.meta.dirname, 'test-support', 'rewrite-loop.ts');

  it('SIGKILL at random moments always leaves a complete old or new version', async () => {
    const file = path.join(dir, 'credentials.json');
    await fs.writeFile(file, versionContent(0));
    let lastVersion = 0;
    for (let round = 0; round < 5; round += 1) {
      const first = lastVersion + 1;
      const process = spawn(globalThis.process.execPath, ['--import', 'tsx', child, file, String(first)], {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const exited = once(process, 'exit');
      await new Promise<void>((resolve, reject) => {
        process.stdout.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('ready')) resolve();
        });
        process.once('exit', (code) => reject(new Error(`child exited early with ${String(code)}`)));
      });
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 60)));
      process.kill('SIGKILL');
      await exited;

      const text = await fs.readFile(file, 'utf8');
      const { version } = JSON.parse(text) as { version: number };
      expect(version).toBeGreaterThanOrEqual(first);
      expect(text).toBe(versionContent(version));
      lastVersion = version;
    }
    // Only the target and, at most, temp files of killed writers; never a second "real" file.
    const others = (await fs.readdir(dir)).filter((name) => name !== 'credentials.json');
    expect(others.every((name) => /^\.credentials\.json\.\d+\.[0-9a-f]{12}\.tmp$/.test(name))).toBe(true);
  });
});
