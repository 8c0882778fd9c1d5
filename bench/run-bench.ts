// npm run bench: streams through the gateway vs the same simulator streams read directly, at
// concurrency 1, 50 and 500; then the unpaced closed loops and the stall scenario. The servers are
// child processes; everything is measured from here.
//
//   npm run bench                                    everything; prints the tables, writes bench/results.json
//   npx tsx bench/run-bench.ts --levels 500           one paced level (run `npm run build` first)
//     --unpaced-levels 1,50,200 --unpaced-seconds 3   the unpaced closed loops ('' skips them)
//     --stall-rounds 4 --stall-mb 2                    the stall scenario (0 rounds skips it)
//     --cpu-prof /tmp/prof                            V8 .cpuprofiles: gateway-c50.cpuprofile… (and simulator/)
//     --gateway-flags '--optimize-for-size'           extra node flags for the gateway
//     --chunk-delay 15                                 ms between reply chunks (default 35; 15 = stress)
//     --out /tmp/results.json                         where the JSON goes
// Every level also sends the direct request through a do-nothing Node proxy (bench/null-proxy.ts):
// the floor that any Node hop costs on this machine.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Agent } from 'undici';
import { captureDirectTarget, simJson } from './capture-direct-target.js';
import type { DirectTarget, GatewayTarget, Send } from './load.js';
import { createClientAgent, directSender, gatewaySender, runBatch } from './load.js';
import type { Child } from './processes.js';
import { cpuMs, peakRssMb, rssMb, startGateway, startNullProxy, startSimulator } from './processes.js';
import type { LevelFigures, SideRaw } from './report.js';
import {
  checkTargets,
  formatChecks,
  formatStall,
  formatTable,
  formatUnpaced,
  levelFigures,
} from './report.js';
import type { StallFigures } from './stall.js';
import { measureStall, sendLargeDirect, sendLargeThroughGateway } from './stall.js';
import { formatSelfTime, topSelfTime } from './top-self-time.js';
import type { Side, UnpacedLevel } from './unpaced.js';
import { measureUnpaced } from './unpaced.js';
import type { ReplyKind } from './workload.js';
import {
  CHUNK_DELAY_MS,
  FAST_TAG,
  REPLY_CHUNKS,
  TAG_PLACEHOLDER,
  UNPACED_CHUNKS,
  anthropicRequestTemplate,
  largeConversationTemplate,
  freshenLongTexts,
  requestTag,
  simulatorScripts,
} from './workload.js';

const API_KEY = 'sk-kirogate-bench-0123456789abcdefghijklmnop';
/** Decoded events of one reply: the text chunks, meteringEvent and contextUsageEvent. */
const EXPECTED_EVENTS = REPLY_CHUNKS + 2;

interface Plan {
  /** Unpaced warm-up batches (JIT, pools), at min(concurrency, 50). */
  warmups: number;
  /** Measured rounds; each runs one direct and one gateway batch, in alternating order. */
  rounds: number;
}

function planFor(concurrency: number): Plan {
  if (concurrency === 1) return { warmups: 40, rounds: 24 };
  return { warmups: 4, rounds: concurrency <= 50 ? 6 : 4 };
}

interface Sides extends Record<Side, SideRaw> {
  gatewayCpuMs: number;
  floorCpuMs: number;
}

let sequence = 0;
const tags = (kind: ReplyKind) => () => requestTag(kind, ++sequence);

async function measureLevel(
  concurrency: number,
  send: Record<Side, Send>,
  pids: { simulator: number; gateway: number; floor: number },
): Promise<Sides> {
  const plan = planFor(concurrency);
  const warmConcurrency = Math.min(concurrency, 50);
  const all: Side[] = ['direct', 'gateway', 'floor'];
  for (let index = 0; index < plan.warmups; index++) {
    for (const side of all) await runBatch(send[side], warmConcurrency, tags('fast'));
  }
  // One paced batch at full concurrency: every pool opens its sockets before measuring.
  for (const side of all) await runBatch(send[side], concurrency, tags('paced'));

  const sides: Sides = {
    direct: { samples: [], wallMs: 0, simulatorCpuMs: 0 },
    gateway: { samples: [], wallMs: 0, simulatorCpuMs: 0 },
    floor: { samples: [], wallMs: 0, simulatorCpuMs: 0 },
    gatewayCpuMs: 0,
    floorCpuMs: 0,
  };
  for (let round = 0; round < plan.rounds; round++) {
    // Rotate the order, so no side always runs first (or right after the heaviest).
    const order = all.map((_, index) => all[(index + round) % all.length]!);
    for (const side of order) {
      const simulatorBefore = cpuMs(pids.simulator);
      const gatewayBefore = cpuMs(pids.gateway);
      const floorBefore = cpuMs(pids.floor);
      const batch = await runBatch(send[side], concurrency, tags('paced'));
      sides[side].samples.push(...batch.samples);
      sides[side].wallMs += batch.wallMs;
      sides[side].simulatorCpuMs += cpuMs(pids.simulator) - simulatorBefore;
      if (side === 'gateway') sides.gatewayCpuMs += cpuMs(pids.gateway) - gatewayBefore;
      if (side === 'floor') sides.floorCpuMs += cpuMs(pids.floor) - floorBefore;
    }
  }
  return sides;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Bench {
  dir: string;
  agent: Agent;
  simulator: Child;
  floorProxy: Child;
  accountId: string;
  refreshToken: string;
  gatewayNodeArgs: string[];
  profileDir: string | undefined;
}

interface MeasuredGateway {
  gateway: Child;
  idleRssMb: number;
  gatewayTarget: GatewayTarget;
  directTarget: DirectTarget;
  /** Senders of the three sides for replies of `events` decoded Kiro events. */
  senders(events: number, recordGaps?: boolean): Record<Side, Send>;
}

/** A fresh gateway (profiled as `gateway-<label>` with --cpu-prof), its idle RSS, and the direct request it sends. */
async function startMeasuredGateway(
  bench: Bench,
  label: string,
  extra: { nodeArgs?: string[]; ipc?: boolean } = {},
): Promise<MeasuredGateway> {
  const profileArgs = bench.profileDir
    ? [
        '--cpu-prof',
        `--cpu-prof-dir=${resolve(bench.profileDir)}`,
        `--cpu-prof-name=gateway-${label}.cpuprofile`,
      ]
    : [];
  const gateway = await startGateway(
    join(bench.dir, `gateway-${label}`),
    bench.simulator.url,
    API_KEY,
    bench.refreshToken,
    [...profileArgs, ...bench.gatewayNodeArgs, ...(extra.nodeArgs ?? [])],
    extra.ipc,
  );
  // Let start-up settle (config watchers, the first refresh) before reading the idle size.
  await sleep(1000);
  const idleRssMb = rssMb(gateway.pid);
  const gatewayTarget = { url: gateway.url, apiKey: API_KEY, bodyTemplate: anthropicRequestTemplate() };
  const directTarget = await captureDirectTarget(
    bench.agent,
    gatewayTarget,
    bench.simulator.url,
    bench.accountId,
  );
  const floorTarget = {
    ...directTarget,
    url: directTarget.url.replace(bench.simulator.url, bench.floorProxy.url),
  };
  return {
    gateway,
    idleRssMb,
    gatewayTarget,
    directTarget,
    senders: (events, recordGaps = false) => ({
      direct: directSender(bench.agent, directTarget, events, recordGaps),
      gateway: gatewaySender(bench.agent, gatewayTarget, recordGaps),
      floor: directSender(bench.agent, floorTarget, events, recordGaps),
    }),
  };
}

async function runLevels(bench: Bench, levels: number[]): Promise<LevelFigures[]> {
  const results: LevelFigures[] = [];
  for (const concurrency of levels) {
    const measured = await startMeasuredGateway(bench, `c${concurrency}`);
    const started = Date.now();
    const pids = {
      simulator: bench.simulator.pid,
      gateway: measured.gateway.pid,
      floor: bench.floorProxy.pid,
    };
    const sides = await measureLevel(concurrency, measured.senders(EXPECTED_EVENTS), pids);
    const cpu = { gateway: sides.gatewayCpuMs, floor: sides.floorCpuMs };
    const rss = { idle: measured.idleRssMb, peak: peakRssMb(measured.gateway.pid) };
    results.push(levelFigures(concurrency, sides, cpu, rss));
    console.log(`c=${concurrency}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await measured.gateway.stop();
  }
  return results;
}

async function runUnpaced(bench: Bench, levels: number[], seconds: number): Promise<UnpacedLevel[]> {
  const measured = await startMeasuredGateway(bench, 'unpaced');
  try {
    const started = Date.now();
    const pids = { direct: undefined, gateway: measured.gateway.pid, floor: bench.floorProxy.pid };
    const results = await measureUnpaced(measured.senders(UNPACED_CHUNKS + 2), tags('unpaced'), {
      levels,
      durationMs: seconds * 1000,
      rounds: 2,
      maxRequests: 50_000,
      pids,
    });
    console.log(`unpaced: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return results;
  } finally {
    await measured.gateway.stop();
  }
}

const STALL_STREAMS = 50;

async function runStall(bench: Bench, rounds: number, megabytes: number): Promise<StallFigures> {
  const probe = import.meta.resolve('./eld-probe.js');
  const measured = await startMeasuredGateway(bench, 'stall', { nodeArgs: ['--import', probe], ipc: true });
  try {
    const started = Date.now();
    const send = measured.senders(EXPECTED_EVENTS, true);
    for (let warm = 0; warm < 3; warm++) {
      for (const side of ['direct', 'gateway'] as const)
        await runBatch(send[side], STALL_STREAMS, tags('fast'));
    }
    const bytes = megabytes * 1_000_000;
    const largeTag = () => `${FAST_TAG} large #${++sequence}`;
    const { gatewayTarget } = measured;
    // The Kiro body the gateway sends for such a conversation (seed 0, never used in a round), so
    // the direct side costs the simulator what the gateway side does; each round gets new text.
    const largeDirect = await captureDirectTarget(
      bench.agent,
      { ...gatewayTarget, bodyTemplate: largeConversationTemplate(0, bytes) },
      bench.simulator.url,
      bench.accountId,
    );
    const figures = await measureStall(
      {
        direct: {
          paced: send.direct,
          large: (round) =>
            sendLargeDirect(
              bench.agent,
              largeDirect,
              freshenLongTexts(largeDirect.bodyTemplate, round + 1).replace(TAG_PLACEHOLDER, largeTag()),
            ),
        },
        gateway: {
          paced: send.gateway,
          // A new seed every round (and a fresh gateway): text the token counter has never seen.
          large: (round) =>
            sendLargeThroughGateway(
              bench.agent,
              gatewayTarget,
              largeConversationTemplate(round + 1, bytes).replace(TAG_PLACEHOLDER, largeTag()),
            ),
        },
      },
      { streams: STALL_STREAMS, rounds, bytes, gateway: measured.gateway.ipc!, tagOf: tags('paced') },
    );
    console.log(`stall: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return figures;
  } finally {
    await measured.gateway.stop();
  }
}

const numbers = (list: string) => list.split(',').filter(Boolean).map(Number);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      levels: { type: 'string', default: '1,50,500' },
      'unpaced-levels': { type: 'string', default: '1,50,200' },
      'unpaced-seconds': { type: 'string', default: '3' },
      'stall-rounds': { type: 'string', default: '4' },
      'stall-mb': { type: 'string', default: '2' },
      out: { type: 'string' },
      'cpu-prof': { type: 'string' },
      'gateway-flags': { type: 'string' },
      'chunk-delay': { type: 'string' },
    },
  });
  const chunkDelayMs = values['chunk-delay'] === undefined ? CHUNK_DELAY_MS : Number(values['chunk-delay']);
  const profileDir = values['cpu-prof'];
  const outPath = values.out ?? join(import.meta.dirname, 'results.json');
  const dir = await mkdtemp(join(tmpdir(), 'kirogate-bench-'));
  const agent = createClientAgent();
  const children: Child[] = [];
  try {
    const simulator = await startSimulator(
      dir,
      profileDir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(profileDir, 'simulator')}`] : [],
    );
    children.push(simulator);
    const floorProxy = await startNullProxy(dir, simulator.url);
    children.push(floorProxy);
    for (const script of simulatorScripts(chunkDelayMs))
      await simJson(simulator.url, 'POST', '/scripts', script);
    // A quota no bench can use up: thousands of requests would exhaust a default account's credits.
    const account = (await simJson(simulator.url, 'POST', '/accounts', {
      authMethod: 'social',
      usageLimit: 1e12,
    })) as {
      id: string;
      refreshToken: string;
    };
    const bench: Bench = {
      dir,
      agent,
      simulator,
      floorProxy,
      accountId: account.id,
      refreshToken: account.refreshToken,
      gatewayNodeArgs: values['gateway-flags']?.split(' ').filter(Boolean) ?? [],
      profileDir,
    };
    console.log(
      `kirogate bench: ${REPLY_CHUNKS} text chunks every ${chunkDelayMs} ms per stream; ` +
        `${cpus().length} CPUs, Node ${process.version}; fresh gateway per level\n`,
    );
    // A scenario that breaks is reported and skipped; the others' figures still print.
    const errors: string[] = [];
    const attempt = async <T>(name: string, run: () => Promise<T>, fallback: T): Promise<T> => {
      try {
        return await run();
      } catch (error) {
        errors.push(`${name}: ${(error as Error).message}`);
        return fallback;
      }
    };
    const results = await attempt('paced levels', () => runLevels(bench, numbers(values.levels)), []);
    const unpacedLevels = numbers(values['unpaced-levels']);
    const unpacedSeconds = Number(values['unpaced-seconds']);
    const unpaced =
      unpacedLevels.length === 0
        ? []
        : await attempt('unpaced', () => runUnpaced(bench, unpacedLevels, unpacedSeconds), []);
    const stallRounds = Number(values['stall-rounds']);
    const stallMb = Number(values['stall-mb']);
    const stall =
      stallRounds > 0
        ? await attempt('stall', () => runStall(bench, stallRounds, stallMb), undefined)
        : undefined;

    const checks = checkTargets(results, unpaced, stall);
    if (results.length > 0) console.log(`\n${formatTable(results)}`);
    if (unpaced.length > 0) console.log(`\n${formatUnpaced(unpaced)}`);
    if (stall) console.log(`\n${formatStall(stall)}`);
    console.log(`\n${formatChecks(checks)}`);
    const profile = profileDir && join(resolve(profileDir), 'gateway-c50.cpuprofile');
    if (profile && results.some((level) => level.concurrency === 50)) {
      const top = topSelfTime(JSON.parse(await readFile(profile, 'utf8')), 10);
      console.log(`\ntop self time, gateway at c=50 (${profile}):\n${formatSelfTime(top)}`);
    }
    const meta = {
      date: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      replyChunks: REPLY_CHUNKS,
      chunkDelayMs,
      unpacedChunks: UNPACED_CHUNKS,
    };
    await writeFile(
      outPath,
      `${JSON.stringify({ ...meta, levels: results, unpaced, stall, targets: checks }, null, 2)}\n`,
    );
    console.log(`\nwrote ${outPath}`);
    const failed =
      results.some((level) => level.direct.failed + level.gateway.failed + level.floor.failed > 0) ||
      unpaced.some((level) => level.direct.failed + level.gateway.failed + level.floor.failed > 0) ||
      (stall !== undefined && stall.direct.failed + stall.gateway.failed > 0);
    if (failed) console.error('some requests failed: the figures are not valid');
    for (const error of errors) console.error(`scenario failed, ${error}`);
    if (failed || errors.length > 0) process.exitCode = 1;
  } finally {
    await Promise.all(children.map((child) => child.stop()));
    await agent.close();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
