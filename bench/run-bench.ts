// npm run bench: streams through the gateway vs the same simulator streams read directly, at
// concurrency 1, 50 and 500. Both servers are child processes; everything is measured from here.
//
//   npm run bench                                    all levels; prints the table, writes bench/results.json
//   npx tsx bench/run-bench.ts --levels 500           one level (run `npm run build` first)
//     --cpu-prof /tmp/prof                            V8 .cpuprofiles of each gateway (and simulator/)
//     --gateway-flags '--optimize-for-size'           extra node flags for the gateway
//     --chunk-delay 15                                 ms between reply chunks (default 35; 15 = stress)
//     --out /tmp/results.json                         where the JSON goes
// Every level also sends the direct request through a do-nothing Node proxy (bench/null-proxy.ts):
// the floor that any Node hop costs on this machine.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { request } from 'undici';
import type { Agent } from 'undici';
import type { DirectTarget, GatewayTarget, Send } from './load.js';
import { createClientAgent, directSender, gatewaySender, runBatch } from './load.js';
import type { Child } from './processes.js';
import { cpuMs, peakRssMb, startGateway, startNullProxy, startSimulator } from './processes.js';
import type { LevelFigures, SideRaw } from './report.js';
import { checkTargets, formatChecks, formatTable, levelFigures } from './report.js';
import {
  CHUNK_DELAY_MS,
  REPLY_CHUNKS,
  TAG_PLACEHOLDER,
  anthropicRequestTemplate,
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

async function simJson(
  simulatorUrl: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<unknown> {
  const response = await request(`${simulatorUrl}/__sim${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const json: unknown = await response.body.json();
  if (response.statusCode >= 300) throw new Error(`simulator ${method} ${path}: ${JSON.stringify(json)}`);
  return json;
}

interface RecordedRequest {
  path: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

const HOP_HEADERS = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'keep-alive',
  'authorization',
]);

/**
 * Sends one gateway request with the bare placeholder as its tag (the default reply answers it) and
 * takes the Kiro request it caused from the simulator's record: same path, headers and body, with
 * the access token the gateway used.
 */
async function captureDirectTarget(
  agent: Agent,
  gateway: GatewayTarget,
  simulatorUrl: string,
  accountId: string,
): Promise<DirectTarget> {
  const sample = await gatewaySender(agent, gateway)(TAG_PLACEHOLDER);
  if (!sample.ok) throw new Error('the capture request through the gateway failed');
  const stats = (await simJson(simulatorUrl, 'GET', '/stats')) as { requests: RecordedRequest[] };
  const recorded = stats.requests
    .filter((entry) => /generateassistantresponse/i.test(entry.path) && entry.status === 200)
    .at(-1);
  if (!recorded) throw new Error('the simulator recorded no generateAssistantResponse');
  const account = (await simJson(simulatorUrl, 'GET', `/accounts/${accountId}`)) as { accessToken: string };
  const headers = Object.fromEntries(
    Object.entries(recorded.headers).filter(([name]) => !HOP_HEADERS.has(name)),
  );
  headers.authorization = `Bearer ${account.accessToken}`;
  const bodyTemplate = JSON.stringify(recorded.body);
  if (bodyTemplate.split(TAG_PLACEHOLDER).length !== 2)
    throw new Error('the captured body lost the tag placeholder');
  return { url: `${simulatorUrl}${recorded.path}`, headers, bodyTemplate };
}

type Side = 'direct' | 'gateway' | 'floor';

interface Sides extends Record<Side, SideRaw> {
  gatewayCpuMs: number;
}

let sequence = 0;
const tags = (paced: boolean) => () => requestTag(paced, ++sequence);

async function measureLevel(
  concurrency: number,
  send: Record<Side, Send>,
  pids: { simulator: number; gateway: number },
): Promise<Sides> {
  const plan = planFor(concurrency);
  const warmConcurrency = Math.min(concurrency, 50);
  const all: Side[] = ['direct', 'gateway', 'floor'];
  for (let index = 0; index < plan.warmups; index++) {
    for (const side of all) await runBatch(send[side], warmConcurrency, tags(false));
  }
  // One paced batch at full concurrency: every pool opens its sockets before measuring.
  for (const side of all) await runBatch(send[side], concurrency, tags(true));

  const sides: Sides = {
    direct: { samples: [], wallMs: 0, simulatorCpuMs: 0 },
    gateway: { samples: [], wallMs: 0, simulatorCpuMs: 0 },
    floor: { samples: [], wallMs: 0, simulatorCpuMs: 0 },
    gatewayCpuMs: 0,
  };
  for (let round = 0; round < plan.rounds; round++) {
    // Rotate the order, so no side always runs first (or right after the heaviest).
    const order = all.map((_, index) => all[(index + round) % all.length]!);
    for (const side of order) {
      const simulatorBefore = cpuMs(pids.simulator);
      const gatewayBefore = cpuMs(pids.gateway);
      const batch = await runBatch(send[side], concurrency, tags(true));
      sides[side].samples.push(...batch.samples);
      sides[side].wallMs += batch.wallMs;
      sides[side].simulatorCpuMs += cpuMs(pids.simulator) - simulatorBefore;
      if (side === 'gateway') sides.gatewayCpuMs += cpuMs(pids.gateway) - gatewayBefore;
    }
  }
  return sides;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      levels: { type: 'string', default: '1,50,500' },
      out: { type: 'string' },
      'cpu-prof': { type: 'string' },
      'gateway-flags': { type: 'string' },
      'chunk-delay': { type: 'string' },
    },
  });
  const levels = values.levels.split(',').map(Number);
  const chunkDelayMs = values['chunk-delay'] === undefined ? CHUNK_DELAY_MS : Number(values['chunk-delay']);
  const profileDir = values['cpu-prof'];
  const gatewayNodeArgs = [
    ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(profileDir)}`] : []),
    ...(values['gateway-flags']?.split(' ').filter(Boolean) ?? []),
  ];
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
    const account = (await simJson(simulator.url, 'POST', '/accounts', { authMethod: 'social' })) as {
      id: string;
      refreshToken: string;
    };
    console.log(
      `kirogate bench: ${REPLY_CHUNKS} text chunks every ${chunkDelayMs} ms per stream; ` +
        `${cpus().length} CPUs, Node ${process.version}; fresh gateway per level\n`,
    );
    const results: LevelFigures[] = [];
    for (const concurrency of levels) {
      const gateway = await startGateway(
        join(dir, `gateway-c${concurrency}`),
        simulator.url,
        API_KEY,
        account.refreshToken,
        gatewayNodeArgs,
      );
      children.push(gateway);
      const gatewayTarget = { url: gateway.url, apiKey: API_KEY, bodyTemplate: anthropicRequestTemplate() };
      const directTarget = await captureDirectTarget(agent, gatewayTarget, simulator.url, account.id);
      const send = {
        direct: directSender(agent, directTarget, EXPECTED_EVENTS),
        gateway: gatewaySender(agent, gatewayTarget),
        floor: directSender(
          agent,
          { ...directTarget, url: directTarget.url.replace(simulator.url, floorProxy.url) },
          EXPECTED_EVENTS,
        ),
      };
      const started = Date.now();
      const sides = await measureLevel(concurrency, send, { simulator: simulator.pid, gateway: gateway.pid });
      const figures = levelFigures(concurrency, sides, sides.gatewayCpuMs, peakRssMb(gateway.pid));
      results.push(figures);
      console.log(`c=${concurrency}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
      await gateway.stop();
      children.pop();
    }
    const checks = checkTargets(results);
    console.log(`\n${formatTable(results)}\n\n${formatChecks(checks)}`);
    const meta = {
      date: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      replyChunks: REPLY_CHUNKS,
      chunkDelayMs,
    };
    await writeFile(outPath, `${JSON.stringify({ ...meta, levels: results, targets: checks }, null, 2)}\n`);
    console.log(`\nwrote ${outPath}`);
    const failed = results.some(
      (level) => level.direct.failed + level.gateway.failed + level.floor.failed > 0,
    );
    if (failed) {
      console.error('some requests failed: the figures are not valid');
      process.exitCode = 1;
    }
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
