import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { CredentialOrigin, CredentialSpec, LoadedCredential } from '../upstream/credential.js';
import type { Clock } from '../shared/clock.js';
import { systemClock } from '../shared/clock.js';
import { ConfigError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type {
  CredentialEntry,
  CredentialPatch,
  CredentialsFileContent,
} from '../storage/credentials-file.js';
import { CredentialsFileRegistry, applyCredentialPatch } from '../storage/credentials-file.js';
import type { MachineIdResult } from '../upstream/machine-id.js';
import {
  isDerivedMachineId,
  normalizeMachineId,
  resolveMachineId,
  sha256Hex,
} from '../upstream/machine-id.js';
import type { Config } from './config-schema.js';
import { importIdeCache } from './import-ide-cache.js';
import { displayPath } from './load-config.js';
import type { CredentialDraft } from './parse-credential-entry.js';
import { parseCredentialEntry } from './parse-credential-entry.js';
import { readEnvCredentials } from './read-env-credentials.js';

export interface LoadCredentialsOptions {
  /** From --credentials; beats KIROGATE_CREDENTIALS, which beats ./credentials.json. */
  credentialsPath?: string;
  env: Record<string, string | undefined>;
  cwd: string;
  config: Config;
  /** Where ~/.aws/sso/cache lives. */
  homeDir: string;
  logger: Logger;
  /** Share with createTokenWriter so every write to the file goes through one queue. */
  files?: CredentialsFileRegistry;
  clock?: Clock;
  randomUuid?: () => string;
}

export interface LoadedCredentials {
  credentials: LoadedCredential[];
  /** Absolute path of credentials.json (whether or not it exists). */
  filePath: string;
  fileExists: boolean;
  /** Path of the Kiro IDE token cache when it was imported (only when nothing else is configured). */
  importedIdeCache?: string;
  /** Log-safe warnings, already logged at warn level. */
  notices: string[];
}

/** What the credentials file yielded, and the content to persist when ids or machine IDs were added. */
interface FileScan {
  exists: boolean;
  entryCount: number;
  drafts: FileDraft[];
  notices: string[];
  write: CredentialsFileContent | undefined;
}

interface FileDraft {
  draft: CredentialDraft & { id: number };
  machineId: MachineIdResult;
}

/**
 * All credential sources combined: credentials.json (kiro.rs), REFRESH_TOKEN / KIRO_API_KEY / KIRO_AUTH_TOKEN,
 * and — only when none of those yields a credential — the Kiro IDE login. Ids assigned to file entries and
 * derived machine IDs are persisted into the file at once, so they survive restarts and token rotation.
 */
export async function loadCredentials(options: LoadCredentialsOptions): Promise<LoadedCredentials> {
  const { env, cwd, config, logger } = options;
  const randomUuid = options.randomUuid ?? randomUUID;
  const filePath = path.resolve(
    cwd,
    options.credentialsPath ?? nonEmpty(env.KIROGATE_CREDENTIALS) ?? 'credentials.json',
  );
  const label = displayPath(cwd, filePath);
  const files = options.files ?? new CredentialsFileRegistry({ logger });
  const file = files.get(filePath);
  const notices: string[] = [];
  // an invalid config.machineId is reported once here, not once per credential
  let configMachineId = config.machineId?.trim() === '' ? undefined : config.machineId;
  if (configMachineId !== undefined && normalizeMachineId(configMachineId) === undefined) {
    notices.push('config machineId is neither 64 hex characters nor a UUID; ignored');
    configMachineId = undefined;
  }
  const machineIdOf = (draft: CredentialDraft) =>
    resolveMachineId({ ...machineIdInput(draft), configMachineId }, randomUuid);

  const processContent = (content: CredentialsFileContent | undefined): FileScan =>
    processFile(content, label, machineIdOf);
  let fileResult: FileScan;
  try {
    fileResult = await file.transform((content) => {
      const result = processContent(content);
      return { result, write: result.write };
    }, label);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    // read-only file: run without persisting the new ids / machine IDs
    fileResult = processContent(await file.read(label));
    const code =
      typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'error';
    notices.push(`${label}: could not save assigned ids / machine IDs (${code}); they may change on restart`);
  }
  notices.push(...fileResult.notices);

  const credentials: LoadedCredential[] = fileResult.drafts.map(({ draft, machineId }) =>
    toLoadedCredential(
      draft,
      draft.id,
      `file:${draft.id}`,
      { kind: 'file', path: filePath },
      machineId,
      config,
    ),
  );

  const envCredentials = await readEnvCredentials(env, cwd, options.homeDir);
  notices.push(...envCredentials.notices);
  let nextId = Math.max(0, ...credentials.map((credential) => credential.spec.id)) + 1;
  for (const { draft, variable, index } of envCredentials.credentials) {
    const secret = draft.kiroApiKey ?? draft.tokens.refreshToken;
    const duplicate = credentials.find(
      (other) =>
        secret !== undefined && (other.tokens.refreshToken === secret || other.spec.kiroApiKey === secret),
    );
    if (duplicate) {
      notices.push(
        `${variable}${variable === 'KIRO_AUTH_TOKEN' ? `[${index}]` : ''}: same account as credential #${duplicate.spec.id}; skipped`,
      );
      continue;
    }
    const machineId = machineIdOf(draft);
    notices.push(...machineId.warnings.map((warning) => `${variable}: ${warning}`));
    const id = nextId++;
    const stateKey = envStateKey(variable, secret, index);
    credentials.push(toLoadedCredential(draft, id, stateKey, { kind: 'env', variable }, machineId, config));
  }

  let importedIdeCache: string | undefined;
  if (credentials.length === 0 && fileResult.entryCount === 0) {
    const ide = await importIdeCache(options.homeDir, options.clock ?? systemClock);
    notices.push(...ide.notices);
    if (ide.imported) {
      const { path: cachePath, clientRegistrationPath } = ide.imported;
      // the profile ARN's region is the IDE login's API region, unless config.apiRegion says otherwise
      const draft =
        config.apiRegion === undefined ? ide.imported.draft : { ...ide.imported.draft, apiRegion: undefined };
      const machineId = machineIdOf(draft);
      const origin: CredentialOrigin = {
        kind: 'ide-cache',
        path: cachePath,
        ...(clientRegistrationPath ? { clientRegistrationPath } : {}),
      };
      credentials.push(toLoadedCredential(draft, 1, `ide-cache:${cachePath}`, origin, machineId, config));
      importedIdeCache = cachePath;
    }
  }
  if (credentials.length === 0) {
    notices.push(
      `no Kiro credentials: add accounts to ${label}, set REFRESH_TOKEN, KIRO_API_KEY or KIRO_AUTH_TOKEN, or log in with the Kiro IDE`,
    );
  }

  for (const notice of notices) logger.warn(notice);
  return {
    credentials,
    filePath,
    fileExists: fileResult.exists,
    ...(importedIdeCache ? { importedIdeCache } : {}),
    notices,
  };
}

/** Validates every entry, assigns missing ids (max + 1) and derives machine IDs; returns the content to persist. */
function processFile(
  content: CredentialsFileContent | undefined,
  label: string,
  machineIdOf: (draft: CredentialDraft) => MachineIdResult,
): FileScan {
  const result: FileScan = {
    exists: content !== undefined,
    entryCount: 0,
    drafts: [],
    notices: [],
    write: undefined,
  };
  if (content === undefined) return result;
  result.entryCount = content.entries.length;

  const parsed = content.entries.map((entry, index) =>
    parseCredentialEntry(entry, { pathPrefix: content.shape === 'array' ? `[${index}]` : '' }),
  );
  const errors = parsed.flatMap((entry) => entry.errors);
  const firstIndexById = new Map<number, number>();
  parsed.forEach((entry, index) => {
    const id = entry.draft?.id;
    if (id === undefined) return;
    const first = firstIndexById.get(id);
    if (first === undefined) firstIndexById.set(id, index);
    else errors.push(`[${index}].id: duplicate id ${id} (also used by [${first}])`);
  });
  if (errors.length > 0) throw new ConfigError(label, errors);

  let maxId = Math.max(0, ...firstIndexById.keys());
  let changed = false;
  const entries: CredentialEntry[] = content.entries.map((entry, index) => {
    const { draft, notices } = parsed[index] ?? { notices: [] };
    result.notices.push(...notices.map((notice) => `${label}: ${notice}`));
    if (draft === undefined) return entry;
    const patch: CredentialPatch = {};
    const id = draft.id ?? ++maxId;
    if (draft.id === undefined) patch.id = id;
    const machineId = machineIdOf(draft);
    result.notices.push(
      ...machineId.warnings.map(
        (warning) => `${label}: ${content.shape === 'array' ? `[${index}]` : 'entry'}: ${warning}`,
      ),
    );
    if (isDerivedMachineId(machineId.source) && entry.machineId !== machineId.machineId)
      patch.machineId = machineId.machineId;
    result.drafts.push({ draft: { ...draft, id }, machineId });
    if (Object.keys(patch).length === 0) return entry;
    changed = true;
    return applyCredentialPatch(entry, patch);
  });
  if (changed) result.write = { shape: content.shape, entries };
  result.notices.push(...sharedSecretNotices(result.drafts, label));
  return result;
}

/** Entries holding one secret are one account to Kiro (and share one state row): say so once per load. */
function sharedSecretNotices(drafts: readonly FileDraft[], label: string): string[] {
  const idsBySecret = new Map<string, number[]>();
  for (const { draft } of drafts) {
    const secret = draft.kiroApiKey === undefined ? draft.tokens.refreshToken : `key:${draft.kiroApiKey}`;
    if (secret === undefined) continue;
    idsBySecret.set(secret, [...(idsBySecret.get(secret) ?? []), draft.id]);
  }
  return [...idsBySecret].flatMap(([secret, ids]) => {
    if (ids.length < 2) return [];
    const names = `${ids.slice(0, -1).join(', ')} and ${ids.at(-1)}`;
    const what = secret.startsWith('key:') ? 'API key' : 'refresh token';
    return [`${label}: credentials ${names} hold the same ${what}; only one account will work`];
  });
}

/**
 * Env accounts keep their rotated tokens and status in the database under this key. It follows the configured
 * secret, not the position: a new login put in REFRESH_TOKEN, or a reordered KIRO_AUTH_TOKEN, must not inherit
 * another login's stored tokens; the same value after a restart finds its rotated tokens again.
 */
function envStateKey(variable: string, secret: string | undefined, index: number): string {
  if (secret === undefined) return `env:${variable}:${index}`;
  return `env:${variable}:${sha256Hex(`${variable}/${secret}`).slice(0, 16)}`;
}

function machineIdInput(draft: CredentialDraft) {
  return {
    authMethod: draft.authMethod,
    credentialMachineId: draft.machineId,
    kiroApiKey: draft.kiroApiKey,
    refreshToken: draft.tokens.refreshToken,
  };
}

/** Regions per §1.4; endpoint defaults to config.defaultEndpoint. */
function toLoadedCredential(
  draft: CredentialDraft,
  id: number,
  stateKey: string,
  origin: CredentialOrigin,
  machineId: MachineIdResult,
  config: Config,
): LoadedCredential {
  const spec: CredentialSpec = {
    id,
    stateKey,
    authMethod: draft.authMethod,
    priority: draft.priority,
    authRegion: draft.authRegion ?? draft.region ?? config.authRegion ?? config.region,
    apiRegion: draft.apiRegion ?? config.apiRegion ?? config.region,
    machineId: machineId.machineId,
    machineIdSource: machineId.source,
    endpoint: draft.endpoint ?? config.defaultEndpoint,
    proxy: draft.proxy,
    disabled: draft.disabled,
    origin,
  };
  if (draft.clientId !== undefined) spec.clientId = draft.clientId;
  if (draft.clientSecret !== undefined) spec.clientSecret = draft.clientSecret;
  if (draft.kiroApiKey !== undefined) spec.kiroApiKey = draft.kiroApiKey;
  if (draft.email !== undefined) spec.email = draft.email;
  if (draft.subscriptionTitle !== undefined) spec.subscriptionTitle = draft.subscriptionTitle;
  const tokens = Object.fromEntries(Object.entries(draft.tokens).filter(([, value]) => value !== undefined));
  return { spec, tokens };
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}
