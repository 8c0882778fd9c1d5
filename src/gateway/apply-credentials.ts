import type { LoadedCredential } from '../upstream/credential.js';
import type { CredentialEntry } from '../credentials/credential-entry.js';
import type { CredentialPool } from '../credentials/credential-pool.js';
import type { AccessTokenProvider } from '../credentials/access-token-provider.js';
import { describeCredential } from '../upstream/credential.js';
import type { Logger } from '../shared/logger.js';
import type { AccountStateStore } from '../storage/account-state-store.js';
import { identitySecret } from '../storage/account-identities.js';
import { createCredentialEntry } from './create-credential-entry.js';

export interface AppliedChanges {
  added: number;
  removed: number;
  updated: number;
}

/**
 * Applies a reloaded credentials list to the running pool. A credentials.json entry keeps its runtime
 * entry (tokens, health, counters) only while it holds the same account: the same API key, or the refresh
 * token kirogate holds or rotated away from, wherever the entry moved in the file. Any other secret is a
 * new account with fresh state (README "state and identity"). Other sources match by stateKey.
 */
export function applyCredentials(
  pool: CredentialPool,
  credentials: readonly LoadedCredential[],
  store: AccountStateStore,
  now: number,
  logger: Logger,
): AppliedChanges {
  // Newcomers look their account up in the database: make it match memory first.
  store.flush();
  const unclaimed = new Set(pool.list());
  const next: CredentialEntry[] = [];
  let added = 0;
  let updated = 0;
  for (const credential of credentials) {
    const existing = claim(unclaimed, credential);
    if (!existing) {
      next.push(createCredentialEntry(credential, store, logger));
      added += 1;
      continue;
    }
    unclaimed.delete(existing);
    if (update(existing, credential, now)) updated += 1;
    next.push(existing);
  }
  pool.replaceAll(next);
  for (const entry of next) pool.changed(entry);
  return { added, removed: unclaimed.size, updated };
}

/**
 * A file entry holding a refresh token its account rotated away from (an editor saved a copy older than
 * the write-back; the old token no longer works): the current tokens are written back again.
 */
export async function rewriteRetiredTokens(
  pool: CredentialPool,
  tokens: AccessTokenProvider,
  credentials: readonly LoadedCredential[],
  logger: Logger,
): Promise<void> {
  for (const credential of credentials) {
    const entry = pool.get(credential.spec.id);
    const fileToken = credential.tokens.refreshToken;
    if (credential.spec.origin.kind !== 'file' || !entry || fileToken === undefined) continue;
    if (!entry.retiredRefreshTokens.includes(fileToken)) continue;
    logger.info(
      { credential: describeCredential(entry.spec) },
      `credential ${entry.id} holds a refresh token it was rotated away from (an older copy saved?); writing the current one back`,
    );
    await tokens.writeBack(entry);
  }
}

/** The running entry of this credential's account, preferring the one at the same slot. */
function claim(
  entries: ReadonlySet<CredentialEntry>,
  credential: LoadedCredential,
): CredentialEntry | undefined {
  const secret = identitySecret(credential.spec, credential.tokens);
  const matches = [...entries].filter((entry) => {
    if (secret === undefined) return entry.spec.stateKey === credential.spec.stateKey;
    // A read that raced our write-back carries a token we rotated away from: still this account.
    return (
      identitySecret(entry.spec, entry.tokens) === secret ||
      (entry.spec.origin.kind === 'file' && entry.retiredRefreshTokens.includes(secret))
    );
  });
  return matches.find((entry) => entry.spec.stateKey === credential.spec.stateKey) ?? matches[0];
}

function update(entry: CredentialEntry, credential: LoadedCredential, now: number): boolean {
  const before = JSON.stringify([entry.spec, entry.status]);
  const machineId = entry.spec.machineId;
  entry.spec = {
    ...credential.spec,
    machineId: credential.spec.origin.kind === 'file' ? credential.spec.machineId : machineId,
  };
  const fileToken = credential.tokens.refreshToken;
  if (
    fileToken &&
    fileToken !== entry.tokens.refreshToken &&
    !entry.retiredRefreshTokens.includes(fileToken)
  ) {
    // Entries matched by slot (the Kiro IDE's login) take a new token from their file.
    entry.tokens = { ...credential.tokens };
    entry.consecutiveRefreshFailures = 0;
    if (
      entry.status.kind === 'disabled' &&
      ['invalid_refresh_token', 'invalid_client'].includes(entry.status.reason)
    ) {
      entry.status = { kind: 'active' };
    }
  }
  const manuallyDisabled = entry.status.kind === 'disabled' && entry.status.reason === 'manual';
  if (credential.spec.disabled && !manuallyDisabled) {
    entry.disable('manual', 'disabled in the credentials file', now);
  } else if (!credential.spec.disabled && manuallyDisabled) {
    entry.status = { kind: 'active' };
  }
  return JSON.stringify([entry.spec, entry.status]) !== before;
}
