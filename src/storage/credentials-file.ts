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
  private pending = new Map<number, CredentialPatch>();

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

  /** Writes `patch` into the entry with this id; queued patches land in order. */
  update(id: number, patch: CredentialPatch): Promise<void> {
    const previous = this.pending.get(id);
    this.pending.set(id, { ...previous, ...stripUndefined(patch) });
    return this.flush();
  }

  /** Writes every pending patch (retries ones a previous write could not store). */
  flush(): Promise<void> {
    return this.enqueue(() => this.writePending());
  }

  private async writePending(): Promise<void> {
    if (this.pending.size === 0) return;
    const snapshot = new Map(this.pending);
    const applied = await this.transformUnqueued(snapshot);
    for (const [id, patch] of snapshot) {
      // a newer patch merged in while writing replaced the object: keep that one for the next write
      if (this.pending.get(id) === patch) this.pending.delete(id);
      if (!applied.has(id))
        this.options.logger.warn(
          { file: this.path, credentialId: id },
          'credential not found in the file (removed by hand?); token update dropped',
        );
    }
  }

  private async transformUnqueued(patches: Map<number, CredentialPatch>): Promise<Set<number>> {
    const before = await this.readText();
    if (before === undefined) return new Set();
    const content = parseCredentialsText(before, this.path);
    const applied = new Set<number>();
    const entries = content.entries.map((entry) => {
      const id = entry.id;
      const patch = typeof id === 'number' ? patches.get(id) : undefined;
      if (patch === undefined || applied.has(id as number)) return entry;
      applied.add(id as number);
      return applyCredentialPatch(entry, patch);
    });
    await this.writeIfChanged(content, { shape: content.shape, entries });
    return applied;
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

function stripUndefined(patch: CredentialPatch): CredentialPatch {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
