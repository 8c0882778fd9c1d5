import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE, migrate, openGatewayDatabase } from './gateway-database.js';
import { MIGRATIONS } from './migrations.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kirogate-db-'));
  dirs.push(dir);
  return dir;
}

describe('openGatewayDatabase / migrate', () => {
  it('a fresh database gets every migration and the latest user_version', () => {
    const db = openGatewayDatabase(':memory:');
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all()
      .map((row) => (row as { name: string }).name);
    expect(tables).toEqual(
      expect.arrayContaining(['account_state', 'env_tokens', 'request_log', 'settings']),
    );
    db.close();
  });

  it('reopening an up-to-date file runs nothing again and keeps the data (WAL, private file)', async () => {
    const dir = await tempDir();
    const first = openGatewayDatabase(join(dir, 'data'));
    first.prepare("INSERT INTO settings (key, value) VALUES ('k', 'v')").run();
    expect(first.pragma('journal_mode', { simple: true })).toBe('wal');
    first.close();
    const second = openGatewayDatabase(join(dir, 'data'));
    expect(second.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(second.prepare('SELECT value FROM settings WHERE key = ?').get('k')).toEqual({ value: 'v' });
    second.close();
    expect((await stat(join(dir, 'data', DATABASE_FILE))).mode & 0o777).toBe(0o600);
  });

  it('migrates an older schema forward from its version', () => {
    const db = new Database(':memory:');
    migrate(db);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    // Running again is a no-op (CREATE TABLE would fail if a migration ran twice).
    expect(() => migrate(db)).not.toThrow();
    db.close();
  });

  it('migration 2 keeps version-1 account rows (not yet identified) and adds a random identity salt', () => {
    const salts = [1, 2].map(() => {
      const db = new Database(':memory:');
      db.exec(MIGRATIONS[0]!);
      db.pragma('user_version = 1');
      db.prepare(
        "INSERT INTO account_state (state_key, credential_id, status, requests, updated_at) VALUES ('file:1', 1, 'active', 5, 0)",
      ).run();
      migrate(db);
      expect(db.prepare('SELECT state_key, requests, identified FROM account_state').all()).toEqual([
        { state_key: 'file:1', requests: 5, identified: 0 },
      ]);
      expect(db.prepare('SELECT COUNT(*) AS n FROM account_identity').get()).toEqual({ n: 0 });
      const { value } = db.prepare("SELECT value FROM settings WHERE key = 'identity_salt'").get() as {
        value: string;
      };
      db.close();
      return value;
    });
    expect(salts[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(salts[0]).not.toBe(salts[1]);
  });

  it('refuses a database written by a newer kirogate, with a clear message', async () => {
    const dir = await tempDir();
    const db = new Database(join(dir, DATABASE_FILE));
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    expect(() => openGatewayDatabase(dir)).toThrow(
      `the database schema (version ${MIGRATIONS.length + 1}) is newer than this kirogate (version ${MIGRATIONS.length}); upgrade kirogate`,
    );
  });
});
