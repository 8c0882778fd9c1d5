import type { LoadedCredential } from '../upstream/credential.js';
import type { CredentialEntry } from '../credentials/credential-entry.js';
import type { CredentialPool } from '../credentials/credential-pool.js';
import type { AccountStateStore } from '../storage/account-state-store.js';
import { createCredentialEntry } from './create-credential-entry.js';

export interface AppliedChanges {
  added: number;
  removed: number;
  updated: number;
}

/**
 * Applies a reloaded credentials list to the running pool, matching accounts by stateKey. Untouched
 * accounts keep their tokens, health and counters; a replaced refresh token re-enables an account
 * that was disabled for a bad one; the file's `disabled` flag is applied as a manual disable.
 */
export function applyCredentials(
  pool: CredentialPool,
  credentials: readonly LoadedCredential[],
  store: AccountStateStore,
  now: number,
): AppliedChanges {
  const current = new Map(pool.list().map((entry) => [entry.spec.stateKey, entry]));
  const next: CredentialEntry[] = [];
  let added = 0;
  let updated = 0;
  for (const credential of credentials) {
    const existing = current.get(credential.spec.stateKey);
    current.delete(credential.spec.stateKey);
    if (!existing) {
      next.push(createCredentialEntry(credential, store));
      added += 1;
      continue;
    }
    if (update(existing, credential, now)) updated += 1;
    next.push(existing);
  }
  pool.replaceAll(next);
  for (const entry of next) pool.changed(entry);
  return { added, removed: current.size, updated };
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
    // Someone put a new refresh token in the file. Our own write-backs carry the one we hold, and a
    // read that raced a write-back carries one we rotated away from: neither replaces ours.
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
