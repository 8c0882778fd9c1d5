import { createHash } from 'node:crypto';
import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Logger } from '../shared/logger.js';

export interface WatchedFile {
  path: string;
  /** Called after the file's content changed (debounced); errors are logged, never thrown. */
  onChange: () => Promise<void>;
}

async function digest(path: string): Promise<string | undefined> {
  try {
    return createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
  } catch {
    return undefined;
  }
}

/**
 * Watches files for changes (hot reload). The parent directory is watched, not the file, because
 * atomic writes (ours and editors') replace the file with a rename. Events with unchanged content
 * are ignored. Returns a function that stops watching.
 */
export function watchFiles(files: readonly WatchedFile[], logger: Logger, debounceMs = 250): () => void {
  const watchers: FSWatcher[] = [];
  const timers = new Set<NodeJS.Timeout>();
  for (const file of files) {
    let last: Promise<string | undefined> = digest(file.path);
    let timer: NodeJS.Timeout | undefined;
    const check = async () => {
      const [before, now] = await Promise.all([last, digest(file.path)]);
      if (now === undefined || now === before) return;
      last = Promise.resolve(now);
      await file.onChange().catch((error: unknown) => {
        logger.error(
          { file: file.path, error: (error as Error).message },
          'reload failed; keeping the running settings',
        );
      });
    };
    try {
      const watcher = watch(dirname(file.path), (_event, name) => {
        if (name !== null && name !== basename(file.path)) return;
        if (timer) {
          clearTimeout(timer);
          timers.delete(timer);
        }
        timer = setTimeout(() => {
          if (timer) timers.delete(timer);
          void check();
        }, debounceMs);
        timers.add(timer);
      });
      watcher.on('error', (error) =>
        logger.warn({ file: file.path, error: error.message }, 'file watch stopped'),
      );
      watchers.push(watcher);
    } catch (error) {
      logger.warn({ file: file.path, error: (error as Error).message }, 'cannot watch for changes');
    }
  }
  return () => {
    for (const watcher of watchers) watcher.close();
    for (const timer of timers) clearTimeout(timer);
  };
}
