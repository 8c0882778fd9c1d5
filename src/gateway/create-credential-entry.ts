import type { LoadedCredential } from '../upstream/credential.js';
import { CredentialEntry } from '../credentials/credential-entry.js';
import type { AccountStateStore } from '../storage/account-state-store.js';

/** A runtime entry for a loaded credential, with what the last run knew restored from the database. */
export function createCredentialEntry(
  credential: LoadedCredential,
  store: AccountStateStore,
): CredentialEntry {
  const { spec } = credential;
  let tokens = credential.tokens;
  if (spec.origin.kind === 'env') {
    // Env accounts cannot be written back: their rotated tokens live in the database.
    const saved = store.loadEnvTokens(spec.stateKey);
    if (saved?.refreshToken) tokens = { ...tokens, ...saved };
  }
  const entry = new CredentialEntry(spec, tokens);
  store.restore(entry);
  return entry;
}
