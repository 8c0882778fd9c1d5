// A local fake of the Kiro upstream: one loopback HTTP server for every Kiro host (§11.2).

import { setMaxListeners } from 'node:events';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../shared/clock.js';
import type { SimulatorControl } from './control-routes.js';
import type { WebSearchConfig } from './web-search-config.js';
import { ModelCatalog } from './model-catalog.js';
import type { RefreshHold } from './refresh-holds.js';
import { RefreshHolds } from './refresh-holds.js';
import type { AddAccountOptions, SimAccount, SimAccountPatch } from './sim-account.js';
import type { QueuedScript, ScriptMatch, SimScript } from './script-types.js';
import { ScriptQueue } from './script-queue.js';
import { SeededRandom } from './seeded-random.js';
import type { SimStats } from './sim-stats.js';
import { StatsRecorder } from './sim-stats.js';
import type { SimulatorContext } from './simulator-context.js';
import type { SimulatorOptions } from './simulator-options.js';
import { resolveSimulatorOptions } from './simulator-options.js';
import { createRequestListener } from './simulator-router.js';
import { TokenStore, snapshotAccount } from './token-store.js';

/** The injected clock plus an offset the control route can move. */
class OffsetClock implements Clock {
  offsetMs = 0;
  constructor(private readonly base: Clock) {}
  now(): number {
    return this.base.now() + this.offsetMs;
  }
}

export class KiroSimulator implements SimulatorControl {
  /** `http://host:port`, no trailing slash. Runtime-style routes live under `${url}/runtime`. */
  readonly url: string;

  private constructor(
    private readonly server: Server,
    private readonly context: SimulatorContext,
    private readonly clock: OffsetClock,
    private readonly shutdown: AbortController,
  ) {
    const address = server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.url = `http://${host}:${address.port}`;
  }

  static async start(options: SimulatorOptions = {}): Promise<KiroSimulator> {
    const resolved = resolveSimulatorOptions(options);
    const clock = new OffsetClock(resolved.clock);
    const random = new SeededRandom(resolved.seed);
    const shutdown = new AbortController();
    // Every open stream listens for shutdown; many concurrent streams are normal, not a leak.
    setMaxListeners(0, shutdown.signal);
    const context: SimulatorContext = {
      options: resolved,
      clock,
      logger: resolved.logger,
      random,
      tokens: new TokenStore(clock, random),
      models: new ModelCatalog(resolved.models),
      scripts: new ScriptQueue(),
      stats: new StatsRecorder(resolved.recordLimit),
      webSearch: options.webSearch ?? {},
      refreshHolds: new RefreshHolds(),
      shutdown: shutdown.signal,
    };
    for (const account of options.accounts ?? []) context.tokens.add(account);
    const server = createServer({ keepAliveTimeout: resolved.keepAliveTimeoutMs });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(resolved.port, resolved.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const simulator = new KiroSimulator(server, context, clock, shutdown);
    server.on('request', createRequestListener(context, simulator));
    server.on('clientError', (_error, socket) => socket.destroy());
    resolved.logger.info({ url: simulator.url }, 'kiro simulator listening');
    return simulator;
  }

  /** Ends open streams (hanging ones too) and stops listening. */
  async close(): Promise<void> {
    this.shutdown.abort();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  addAccount(options: AddAccountOptions): SimAccount {
    return snapshotAccount(this.context.tokens.add(options));
  }

  /** Throws for an unknown id. */
  updateAccount(id: string, patch: SimAccountPatch): SimAccount {
    const record = this.context.tokens.patch(id, patch);
    if (!record) throw new Error(`unknown simulator account "${id}"`);
    return snapshotAccount(record);
  }

  /** The current state of an account; throws for an unknown id. */
  account(id: string): SimAccount {
    const account = this.findAccount(id);
    if (!account) throw new Error(`unknown simulator account "${id}"`);
    return account;
  }

  findAccount(id: string): SimAccount | undefined {
    const record = this.context.tokens.get(id);
    return record && snapshotAccount(record);
  }

  accounts(): SimAccount[] {
    return this.context.tokens.all().map(snapshotAccount);
  }

  /** Queues a script; returns its id. Without `match` it answers the next chat request. */
  enqueueScript(script: SimScript, match: ScriptMatch = {}): string {
    return this.context.scripts.enqueue(structuredClone(script), { ...match });
  }

  removeScript(id: string): boolean {
    return this.context.scripts.remove(id);
  }

  clearScripts(): void {
    this.context.scripts.clear();
  }

  scripts(): QueuedScript[] {
    return this.context.scripts.list();
  }

  /** A snapshot of counters and recent requests (bearer redacted). */
  get stats(): SimStats {
    return this.context.stats.snapshot();
  }

  resetStats(): void {
    this.context.stats.reset();
  }

  setWebSearch(config: WebSearchConfig): void {
    this.context.webSearch = structuredClone(config);
  }

  /** Holds the answer to this account's next token refresh until `release()` (tests act meanwhile). */
  holdRefresh(accountId: string): RefreshHold {
    this.account(accountId);
    return this.context.refreshHolds.hold(accountId);
  }

  /** Moves the simulator clock (token expiry, throttles, usage dates); returns the new now. */
  advanceClock(ms: number): number {
    this.clock.offsetMs += ms;
    return this.clock.now();
  }
}
