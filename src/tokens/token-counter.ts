import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../shared/logger.js';
import type { KiroGenerateRequest } from '../upstream/kiro-request.js';
import { kiroRequestTokenParts, type KiroTokenCountOptions } from './count-kiro-request-tokens.js';
import { TextCountCache } from './text-count-cache.js';
import type { CountJobMessage, CountReplyMessage } from './tokenizer-worker.js';

/** A job is sent again to a restarted worker this many times before it is estimated instead. */
const MAX_ATTEMPTS = 2;

interface Pending {
  texts: string[];
  attempts: number;
  resolve(counts: number[]): void;
}

/**
 * The worker from the built `.js` beside this file (dist/), or else from the TypeScript source,
 * loaded through tsx's loader registered inside the worker (vitest, tsx).
 */
function startWorker(): Worker {
  const built = new URL('./tokenizer-worker.js', import.meta.url);
  if (existsSync(built)) return new Worker(built);
  const source = new URL('./tokenizer-worker.ts', import.meta.url).href;
  // require.resolve finds the CommonJS build; its ESM twin sits beside it.
  const tsxApi = createRequire(import.meta.url)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs');
  const tsx = pathToFileURL(tsxApi).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(bootstrap, { eval: true });
}

/** When the tokenizer cannot answer: about four characters per token. */
const estimate = (text: string): number => Math.ceil(text.length / 4);

/**
 * Counts tokens with the Claude tokenizer on one long-lived worker thread, started on first use, so
 * counting a large conversation never stalls the event loop (~300 ms per MB of new text). Counts are
 * cached here per text (Claude Code resends its history every turn), so hits never leave the thread.
 * A crashed worker is restarted and its jobs sent again; a job that crashes it twice is estimated.
 */
export class TokenCounter {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private readonly cache = new TextCountCache();
  private nextId = 1;
  private closed = false;

  constructor(private readonly logger: Logger) {}

  /** Token counts of `texts`, in order. Never rejects. */
  async countTexts(texts: readonly string[]): Promise<number[]> {
    const counts = texts.map(() => 0);
    const misses = new Map<string, { text: string; indexes: number[] }>();
    texts.forEach((text, index) => {
      if (text.length === 0) return;
      const key = this.cache.key(text);
      const hit = this.cache.get(key);
      if (hit !== undefined) counts[index] = hit;
      else {
        const miss = misses.get(key);
        if (miss) miss.indexes.push(index);
        else misses.set(key, { text, indexes: [index] });
      }
    });
    if (misses.size === 0) return counts;
    const entries = [...misses];
    const counted = await this.run(entries.map(([, miss]) => miss.text));
    entries.forEach(([key, miss], index) => {
      this.cache.set(key, counted[index]!);
      for (const at of miss.indexes) counts[at] = counted[index]!;
    });
    return counts;
  }

  async countText(text: string): Promise<number> {
    return (await this.countTexts([text]))[0]!;
  }

  /** The input tokens of a Kiro request (see kiroRequestTokenParts). */
  async countRequest(request: KiroGenerateRequest, options: KiroTokenCountOptions = {}): Promise<number> {
    const { fixed, texts } = kiroRequestTokenParts(request, options);
    const counts = await this.countTexts(texts);
    return counts.reduce((total, count) => total + count, fixed);
  }

  /** Counts sent to the worker and not answered yet (for tests and diagnostics). */
  get pendingJobs(): number {
    return this.pending.size;
  }

  /** The worker's thread id, once it runs (for tests and diagnostics). */
  get workerThreadId(): number | undefined {
    return this.worker?.threadId;
  }

  /** Stops the worker; later counts are estimated. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    for (const job of this.pending.values()) job.resolve(job.texts.map(estimate));
    this.pending.clear();
    await worker?.terminate();
  }

  private run(texts: string[]): Promise<number[]> {
    if (this.closed) return Promise.resolve(texts.map(estimate));
    return new Promise((resolve) => {
      const id = this.nextId++;
      this.pending.set(id, { texts, attempts: 1, resolve });
      this.post(id, texts);
    });
  }

  private post(id: number, texts: string[]): void {
    const message: CountJobMessage = { id, texts };
    const worker = this.ensureWorker();
    // Referenced only while it holds work, so an idle worker never keeps the process alive.
    worker.ref();
    worker.postMessage(message);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = startWorker();
    worker.on('message', (reply: CountReplyMessage) => this.settle(reply));
    worker.on('error', (error) => this.crashed(worker, error.message));
    worker.on('exit', (code) => this.crashed(worker, `exited with code ${code}`));
    this.worker = worker;
    return worker;
  }

  private settle(reply: CountReplyMessage): void {
    const job = this.pending.get(reply.id);
    if (!job) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker?.unref();
    if ('counts' in reply) return job.resolve(reply.counts);
    this.logger.warn({ error: reply.error }, 'tokenizer failed; token count estimated');
    job.resolve(job.texts.map(estimate));
  }

  /** Restarts the worker for the jobs it held; a job on its last attempt is estimated. */
  private crashed(worker: Worker, reason: string): void {
    if (this.worker !== worker || this.closed) return;
    this.worker = undefined;
    this.logger.warn({ reason, jobs: this.pending.size }, 'tokenizer worker stopped; restarting it');
    for (const [id, job] of this.pending) {
      if (job.attempts >= MAX_ATTEMPTS) {
        this.pending.delete(id);
        job.resolve(job.texts.map(estimate));
      } else {
        job.attempts += 1;
        this.post(id, job.texts);
      }
    }
  }
}
