import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../shared/logger.js';

export interface AtomicWriteOptions {
  /** File mode of the result; default 0600 (the files hold tokens). */
  mode?: number;
  /** Warned when the target cannot be replaced atomically (a bind-mounted single file). */
  logger?: Logger;
}

/**
 * Replaces `target` so that a crash at any point leaves either the old or the new content:
 * unique temp file in the same directory → write → fsync → close → rename over the target → fsync the directory.
 * Writes through a symlink to its target, so the link survives.
 */
export async function atomicWriteFile(
  target: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const mode = options.mode ?? 0o600;
  const finalPath = await resolveRealPath(target);
  const directory = path.dirname(finalPath);
  const tempPath = path.join(
    directory,
    `.${path.basename(finalPath)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  const previous = await fs.stat(finalPath).catch(() => undefined);

  let handle: FileHandle | undefined;
  try {
    handle = await fs.open(tempPath, 'wx', mode);
    await handle.writeFile(data);
    await handle.chmod(mode); // the umask may have narrowed or the caller may want wider
    if (previous && process.getuid?.() === 0)
      await handle.chown(previous.uid, previous.gid).catch(() => undefined);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await renameOrOverwrite(tempPath, finalPath, data, mode, options.logger);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await fs.rm(tempPath, { force: true }).catch(() => undefined);
    throw error;
  }
  await syncDirectory(directory);
}

async function resolveRealPath(target: string): Promise<string> {
  try {
    return await fs.realpath(target);
  } catch {
    return path.resolve(target);
  }
}

async function renameOrOverwrite(
  tempPath: string,
  finalPath: string,
  data: string | Uint8Array,
  mode: number,
  logger: Logger | undefined,
): Promise<void> {
  try {
    await fs.rename(tempPath, finalPath);
  } catch (error) {
    // Docker bind-mounts of a single file cannot be renamed over (EBUSY); overwrite in place instead.
    if (!isErrorCode(error, 'EBUSY') && !isErrorCode(error, 'EXDEV')) throw error;
    logger?.warn(
      { file: finalPath },
      'cannot replace the file atomically (bind-mounted?); overwriting it in place',
    );
    const handle = await fs.open(finalPath, 'r+');
    try {
      await handle.truncate(0);
      await handle.writeFile(data);
      await handle.chmod(mode).catch(() => undefined);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rm(tempPath, { force: true });
  }
}

/** Makes the rename itself durable. Some platforms cannot fsync a directory; that is not an error. */
async function syncDirectory(directory: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await fs.open(directory, 'r');
    await handle.sync();
  } catch {
    // EISDIR / EPERM / EINVAL on Windows and some network file systems
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

export function isErrorCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
