import type { Config } from '../../config/config-schema.js';
import type { AccessTokenProvider } from '../../credentials/access-token-provider.js';
import type { AccountService } from '../../credentials/account-service.js';
import type { CredentialPool } from '../../credentials/credential-pool.js';
import type { OfferedModels } from '../../credentials/offered-models.js';
import type { DispatchDependencies } from '../../dispatch/execute-with-failover.js';
import type { Clock, IdGenerator } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { RequestLogStore } from '../../storage/request-log-store.js';
import type { TokenCounter } from '../../tokens/token-counter.js';
import type { KiroClient } from '../../upstream/kiro-client.js';
import type { ModelSubstitutions } from './model-substitutions.js';

/** Everything request handlers use, wired once by createGateway. */
export interface GatewayServices {
  /** The current config (hot reload replaces it). */
  config(): Config;
  logger: Logger;
  clock: Clock;
  newId: IdGenerator;
  client: KiroClient;
  pool: CredentialPool;
  tokens: AccessTokenProvider;
  accounts: AccountService;
  /** What each account offers (ListAvailableModels). */
  offeredModels: OfferedModels;
  substitutions: ModelSubstitutions;
  dispatch: DispatchDependencies;
  requestLog: RequestLogStore | undefined;
  /** The Claude tokenizer, on its worker thread. */
  tokenCounter: TokenCounter;
}
