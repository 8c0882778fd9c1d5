import fs from 'node:fs/promises';
import path from 'node:path';
import { parseJsonText } from '../shared/parse-json-text.js';
import { describeType } from '../shared/format-zod-issues.js';
import { ConfigError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { atomicWriteFile, isErrorCode } from './atomic-write-file.js';

/** One credential object as stored: known fields plus anything else the user or another tool put there. */
export type CredentialEntry = Record<string, unknown>;

/** kiro.rs accepts a single object (legacy) or an array; the shape is kept on every write. */
export interface CredentialsFileContent {
  shape: 'object' | 'array';
  entries: CredentialEntry[];
}

/** Fields kirogate writes back; undefined values are left alone. `expiresAt` is epoch ms, stored as RFC 3339. */
export interface CredentialPatch {
  id?: number;
  accessToken?: string;
  refreshToken?: string;
  expiresAt?: number;
  profileArn?: string;
  machineId?: string;
  email?: string;
  subscriptionTitle?: string;
  disabled?: boolean;
  priority?: number;
}

export interface CredentialsFileOptions {
  logger: Logger;
}

/**
 * The account a write-back belongs to: the secrets it has held (the one a refresh started from, the ones
 * kirogate wrote). An entry holding none of them was edited by hand and is never overwritten.
 */
export interface AccountSecrets {
  field: 'refreshToken' | 'kiroApiKey';
  values: readonly string[];
}

interface PendingPatch {
  id: number;
  patch: CredentialPatch;
  account: AccountSecrets | undefined;
}

/** Parses credentials.json text (BOM tolerant; blank = empty array). Throws ConfigError naming `label`. */
export function parseCredentialsText(text: string, label: string): CredentialsFileContent {
  if (text.replace(/^\uFEFF/, '').trim() === '') return { shape: 'array', entries: [] };
  const value = parseJsonText(text, label);
  if (Array.isArray(value)) {
    const problems = value.flatMap((entry, index) =>
      isRecord(entry) ? [] : [`[${index}]: expected object, received ${describeType(entry)}`],
    );
    if (problems.length > 0) throw new ConfigError(label, problems);
    return { shape: 'array', entries: value as CredentialEntry[] };
  }
  if (isRecord(value)) return { shape: 'object', entries: [value] };
  throw new ConfigError(label, [
    `expected an object or an array of objects, received ${describeType(value)}`,
  ]);
}

/** 2-space JSON with a trailing newline; an object file stays an object while it holds one entry. */
export function serializeCredentials(content: CredentialsFileContent): string {
  const value =
    content.shape === 'object' && content.entries.length === 1 ? content.entries[0] : content.entries;
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Sets `key` in place (keeps key order); a new `id` goes first, other new keys last. */
export function setEntryField(entry: CredentialEntry, key: string, value: unknown): CredentialEntry {
  if (key in entry || key !== 'id') {
    entry[key] = value;
    return entry;
  }
  return { id: value, ...entry };
}

/** Returns a patched copy of one entry. */
export function applyCredentialPatch(entry: CredentialEntry, patch: CredentialPatch): CredentialEntry {
  let result = { ...entry };
  for (const [key, value] of Object.entries(patch) as [keyof CredentialPatch, unknown][]) {
    if (value === undefined) continue;
    const stored = key === 'expiresAt' && typeof value === 'number' ? new Date(value).toISOString() : value;
    result = setEntryField(result, key, stored);
  }
  return result;
}

/**
 * Owns one kiro.rs credentials file. Writes are serialised; each re-reads the file right before writing so
 * hand edits made meanwhile survive; unknown fields, key order and the object/array shape are kept.
 * Patches that could not be written (file briefly invalid) stay pending and go out with the next write.
 */
export class CredentialsFile {
  readonly path: string;
  private queue: Promise<unknown> = Promise.resolve();
  private pending: PendingPatch[] = [];

  constructor(
    filePath: string,
    private readonly options: CredentialsFileOptions,
  ) {
    this.path = path.resolve(filePath);
  }

  /** The current content, or undefined when the file does not exist. */
  async read(label = this.path): Promise<CredentialsFileContent | undefined> {
    const text = await this.readText();
    return text === undefined ? undefined : parseCredentialsText(text, label);
  }

  /**
   * Serialised read → change → write. `change` gets the fresh content and returns the content to write
   * (or undefined to leave the file alone) and a result. Nothing is written when the text would not change.
   * `label` names the file in parse errors (default: its absolute path).
   */
  transform<T>(
    change: (content: CredentialsFileContent | undefined) => { write?: CredentialsFileContent; result: T },
    label = this.path,
  ): Promise<T> {
    return this.enqueue(async () => {
      const before = await this.readText();
      const content = before === undefined ? undefined : parseCredentialsText(before, label);
      const { write, result } = change(content);
      if (write !== undefined) await this.writeIfChanged(content, write);
      return result;
    });
  }

  /**
   * Writes `patch` into the entry with this id; queued patches land in order. With `account`, the entry is
   * the one holding one of its secrets at write time: at this id, else wherever the account moved; if no
   * entry holds it (the user replaced the token), nothing is written.
   */
  update(id: number, patch: CredentialPatch, account?: AccountSecrets): Promise<void> {
    const index = this.pending.findIndex((item) => item.id === id && sameAccount(item.account, account));
    const previous = this.pending[index];
    const merged: PendingPatch = {
      id,
      patch: { ...previous?.patch, ...stripUndefined(patch) },
      account: mergeAccounts(previous?.account, account),
    };
    if (previous) this.pending[index] = merged;
    else this.pending.push(merged);
    return this.flush();
  }

  /** Writes every pending patch (retries ones a previous write could not store). */
  flush(): Promise<void> {
    return this.enqueue(() => this.writePending());
  }

  private async writePending(): Promise<void> {
    if (this.pending.length === 0) return;
    const snapshot = [...this.pending];
    const outcomes = await this.transformUnqueued(snapshot);
    // a newer patch merged in while writing replaced its object: keep that one for the next write
    this.pending = this.pending.filter((item) => !snapshot.includes(item));
    snapshot.forEach((item, index) => this.report(item, outcomes[index]));
  }

  private report(item: PendingPatch, target: number | 'replaced' | undefined): void {
    const { logger } = this.options;
    const context = { file: this.path, credentialId: item.id };
    if (target === 'replaced') {
      logger.warn(
        context,
        `credential ${item.id} now holds another ${secretName(item.account)} (edited by hand): left as is; the refreshed tokens of the account it held before are dropped (that account is no longer in the file)`,
      );
    } else if (target === undefined) {
      logger.warn(context, 'credential not found in the file (removed by hand?); token update dropped');
    } else if (target !== item.id) {
      logger.info(
        context,
        `the account of credential ${item.id} is now credential ${target}; tokens written there`,
      );
    }
  }

  /** Applies each patch to its entry; returns per patch the id written, 'replaced' or undefined (no entry). */
  private async transformUnqueued(
    patches: readonly PendingPatch[],
  ): Promise<(number | 'replaced' | undefined)[]> {
    const before = await this.readText();
    if (before === undefined) return patches.map(() => undefined);
    const content = parseCredentialsText(before, this.path);
    const entries = [...content.entries];
    const outcomes = patches.map((item) => {
      const index = findTarget(entries, item);
      const target = entries[index];
      if (target === undefined) return entries.some((entry) => entry.id === item.id) ? 'replaced' : undefined;
      entries[index] = applyCredentialPatch(target, item.patch);
      return typeof target.id === 'number' ? target.id : item.id;
    });
    await this.writeIfChanged(content, { shape: content.shape, entries });
    return outcomes;
  }

  /** Compares normalised text, so an unchanged hand-formatted file keeps its formatting. */
  private async writeIfChanged(
    before: CredentialsFileContent | undefined,
    after: CredentialsFileContent,
  ): Promise<void> {
    const text = serializeCredentials(after);
    if (before !== undefined && serializeCredentials(before) === text) return;
    await atomicWriteFile(this.path, text, { mode: 0o600, logger: this.options.logger });
  }

  private async readText(): Promise<string | undefined> {
    try {
      return await fs.readFile(this.path, 'utf8');
    } catch (error) {
      if (isErrorCode(error, 'ENOENT')) return undefined;
      throw error;
    }
  }

  private enqueue<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.queue.then(operation, operation);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** One CredentialsFile per resolved path, so every writer of a file shares its queue. */
export class CredentialsFileRegistry {
  private readonly files = new Map<string, CredentialsFile>();

  constructor(private readonly options: CredentialsFileOptions) {}

  get(filePath: string): CredentialsFile {
    const key = path.resolve(filePath);
    let file = this.files.get(key);
    if (file === undefined) {
      file = new CredentialsFile(key, this.options);
      this.files.set(key, file);
    }
    return file;
  }
}

/** The entry a pending patch goes to: its id while that holds the account, else the entry that does. */
function findTarget(entries: readonly CredentialEntry[], item: PendingPatch): number {
  const { account } = item;
  const holds = (entry: CredentialEntry) =>
    account === undefined || account.values.some((value) => value === entry[account.field]);
  const atId = entries.findIndex((entry) => entry.id === item.id);
  if (atId >= 0 && holds(entries[atId] as CredentialEntry)) return atId;
  return account === undefined ? -1 : entries.findIndex(holds);
}

function sameAccount(a: AccountSecrets | undefined, b: AccountSecrets | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.field === b.field && a.values.some((value) => b.values.includes(value));
}

function mergeAccounts(
  a: AccountSecrets | undefined,
  b: AccountSecrets | undefined,
): AccountSecrets | undefined {
  if (a === undefined || b === undefined) return a ?? b;
  return { field: b.field, values: [...new Set([...a.values, ...b.values])] };
}

function secretName(account: AccountSecrets | undefined): string {
  return account?.field === 'kiroApiKey' ? 'API key' : 'refresh token';
}

function stripUndefined(patch: CredentialPatch): CredentialPatch {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
