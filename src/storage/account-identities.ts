import { createHash } from 'node:crypto';
import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import type { CredentialSpec, TokenState } from '../upstream/credential.js';

/** Fingerprints kept per account: its current secret and the last ones kirogate rotated it away from. */
export const MAX_FINGERPRINTS = 16;

/**
 * The secret that tells which account a credentials.json entry is: its API key, else its refresh token.
 * Env accounts are keyed by their secret already, and the Kiro IDE's login is its cache file (the IDE
 * rotates that token itself): those keep their slot and are not checked.
 */
export function identitySecret(spec: CredentialSpec, tokens: TokenState): string | undefined {
  if (spec.origin.kind !== 'file') return undefined;
  return spec.authMethod === 'api_key' ? spec.kiroApiKey : tokens.refreshToken;
}

/**
 * Which stored state row (`state_key`) each known secret belongs to, by salted SHA-256 fingerprint, so
 * state follows the account and not its slot in the file. The salt is random per database.
 */
export class AccountIdentities {
  private readonly salt: string;
  private readonly selectOwner: Statement<[string], { state_key: string }>;
  private readonly selectAll: Statement<[string], { fingerprint: string }>;
  private readonly insert: Statement<[string, string]>;
  private readonly deleteAll: Statement<[string]>;
  private readonly deleteOrphanRows: Statement<[]>;

  constructor(db: SqliteDatabase) {
    const salt = db.prepare("SELECT value FROM settings WHERE key = 'identity_salt'").get() as
      { value: string } | undefined;
    if (!salt) throw new Error('the database has no identity salt (migration 2 missing)');
    this.salt = salt.value;
    this.selectOwner = db.prepare('SELECT state_key FROM account_identity WHERE fingerprint = ?');
    this.selectAll = db.prepare(
      'SELECT fingerprint FROM account_identity WHERE state_key = ? ORDER BY rowid',
    );
    // REPLACE moves a fingerprint to the new row (and gives it the newest rowid).
    this.insert = db.prepare(
      'INSERT OR REPLACE INTO account_identity (fingerprint, state_key) VALUES (?, ?)',
    );
    this.deleteAll = db.prepare('DELETE FROM account_identity WHERE state_key = ?');
    this.deleteOrphanRows = db.prepare(`
      DELETE FROM account_state WHERE identified = 1 AND NOT EXISTS
        (SELECT 1 FROM account_identity WHERE account_identity.state_key = account_state.state_key)`);
  }

  fingerprint(spec: CredentialSpec, secret: string): string {
    const kind = spec.authMethod === 'api_key' ? 'api-key' : 'refresh-token';
    return createHash('sha256').update(`${this.salt}/${kind}/${secret}`, 'utf8').digest('hex');
  }

  /** The state row this fingerprint belongs to. */
  ownerOf(fingerprint: string): string | undefined {
    return this.selectOwner.get(fingerprint)?.state_key;
  }

  /** A row's fingerprints, oldest first. */
  of(stateKey: string): string[] {
    return this.selectAll.all(stateKey).map((row) => row.fingerprint);
  }

  /** Records one more secret of an account at once (a rotation about to be written back). */
  remember(stateKey: string, fingerprint: string): void {
    this.insert.run(fingerprint, stateKey);
  }

  /**
   * Gives each row exactly these fingerprints (oldest first); run inside the caller's transaction. Rows
   * whose fingerprints all moved to another row (their account moved in the file) are deleted, so a
   * stranger given that id later cannot pick their state up.
   */
  replace(rows: ReadonlyArray<readonly [stateKey: string, fingerprints: readonly string[]]>): void {
    for (const [stateKey] of rows) this.deleteAll.run(stateKey);
    for (const [stateKey, fingerprints] of rows) {
      for (const fingerprint of fingerprints) this.insert.run(fingerprint, stateKey);
    }
    this.deleteOrphanRows.run();
  }
}
