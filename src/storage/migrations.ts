/** Schema migrations, applied in order; index + 1 is the `user_version` after each. Never edit a shipped one. */
export const MIGRATIONS: readonly string[] = [
  // 1: account state, env-account tokens, request log, runtime settings
  `
  CREATE TABLE account_state (
    state_key TEXT PRIMARY KEY,
    credential_id INTEGER NOT NULL,
    status TEXT NOT NULL,
    status_reason TEXT,
    status_detail TEXT,
    status_since INTEGER,
    status_until INTEGER,
    requests INTEGER NOT NULL DEFAULT 0,
    successes INTEGER NOT NULL DEFAULT 0,
    failures INTEGER NOT NULL DEFAULT 0,
    input_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    credits REAL NOT NULL DEFAULT 0,
    credits_since_snapshot REAL NOT NULL DEFAULT 0,
    last_used_at INTEGER,
    last_error TEXT,
    usage_json TEXT,
    machine_id TEXT,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE env_tokens (
    state_key TEXT PRIMARY KEY,
    access_token TEXT,
    refresh_token TEXT,
    expires_at INTEGER,
    profile_arn TEXT,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE request_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    request_id TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    model TEXT,
    kiro_model TEXT,
    credential_id INTEGER,
    stream INTEGER NOT NULL,
    status INTEGER NOT NULL,
    latency_ms INTEGER NOT NULL,
    first_byte_ms INTEGER,
    input_tokens INTEGER,
    output_tokens INTEGER,
    credits REAL,
    error_type TEXT,
    error_message TEXT
  );
  CREATE INDEX request_log_at ON request_log (at);
  CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  `,
  // 2: which account a state row belongs to: salted fingerprints of its secrets (README "state and identity").
  // Rows written before this are adopted once by the entry at their id (identified = 0).
  `
  ALTER TABLE account_state ADD COLUMN identified INTEGER NOT NULL DEFAULT 0;
  CREATE TABLE account_identity (
    fingerprint TEXT PRIMARY KEY,
    state_key TEXT NOT NULL
  );
  CREATE INDEX account_identity_state_key ON account_identity (state_key);
  INSERT OR IGNORE INTO settings (key, value) VALUES ('identity_salt', lower(hex(randomblob(16))));
  `,
];
