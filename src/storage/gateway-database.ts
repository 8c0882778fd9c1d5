import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Database as SqliteDatabase } from 'better-sqlite3';
import { MIGRATIONS } from './migrations.js';

export const DATABASE_FILE = 'kirogate.db';

/**
 * The embedded runtime-state database (better-sqlite3, WAL). Secrets live in credentials.json;
 * this holds status, counters, usage snapshots, the request log and tokens of env-only accounts.
 * Migrations run in order and are tracked by `PRAGMA user_version`.
 */
/** `dataDir` is a directory, or ':memory:' for tests. */
export function openGatewayDatabase(dataDir: string): SqliteDatabase {
  let db: SqliteDatabase;
  if (dataDir === ':memory:') {
    db = new Database(':memory:');
  } else {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const path = join(dataDir, DATABASE_FILE);
    db = new Database(path);
    // SQLite gives the -wal/-shm files the database file's permissions.
    chmodSync(path, 0o600);
  }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

export function migrate(db: SqliteDatabase): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(
      `the database schema (version ${current}) is newer than this kirogate (version ${MIGRATIONS.length}); upgrade kirogate`,
    );
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
