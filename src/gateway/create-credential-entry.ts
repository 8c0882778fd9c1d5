import type { LoadedCredential } from '../upstream/credential.js';
import { describeCredential } from '../upstream/credential.js';
import { CredentialEntry } from '../credentials/credential-entry.js';
import type { Logger } from '../shared/logger.js';
import type { AccountStateStore } from '../storage/account-state-store.js';

/**
 * A runtime entry for a loaded credential, with what the last run knew about its account restored from the
 * database. A slot whose stored state belongs to another secret starts fresh, said once in the log.
 */
export function createCredentialEntry(
  credential: LoadedCredential,
  store: AccountStateStore,
  logger: Logger,
): CredentialEntry {
  const { spec } = credential;
  let tokens = credential.tokens;
  if (spec.origin.kind === 'env') {
    // Env accounts cannot be written back: their rotated tokens live in the database.
    const saved = store.loadEnvTokens(spec.stateKey);
    if (saved?.refreshToken) tokens = { ...tokens, ...saved };
  }
  const entry = new CredentialEntry(spec, tokens);
  const restored = store.restore(entry);
  if (restored.kind === 'replaced') {
    // An access token left in the entry was issued to the old account: never spend it on the new one.
    const { accessToken: _stale, expiresAt: _staleExpiry, ...kept } = entry.tokens;
    entry.tokens = kept;
    const secret = spec.authMethod === 'api_key' ? 'API key' : 'refresh token';
    logger.info(
      { credential: describeCredential(spec) },
      `credential ${spec.id} has a new ${secret}; starting with fresh state`,
    );
  } else if (restored.kind === 'restored' && restored.from !== spec.stateKey) {
    logger.info(
      { credential: describeCredential(spec), storedAs: restored.from },
      `credential ${spec.id} is an account stored under another id; its state moves with it`,
    );
  }
  return entry;
}
