// Turns raw samples into the figures the bench prints and saves.

import type { Sample } from './load.js';
import { percentile } from './percentile.js';
import type { StallFigures } from './stall.js';
import type { UnpacedLevel } from './unpaced.js';

export interface SideFigures {
  requests: number;
  failed: number;
  ttfbP50: number;
  ttfbP99: number;
  totalMean: number;
  /** Sum of the batches' wall times. */
  wallMs: number;
  simulatorCpuMsPerRequest: number;
}

export interface LevelFigures {
  concurrency: number;
  direct: SideFigures;
  gateway: SideFigures;
  /** The same direct request through a do-nothing Node proxy: what any Node hop costs here. */
  floor: SideFigures;
  addedTtfbP50: number;
  addedTtfbP99: number;
  /** Mean gateway end-to-end time ÷ mean direct end-to-end time. */
  endToEndRatio: number;
  /** Summed batch wall time, gateway ÷ direct. */
  wallRatio: number;
  floorAddedTtfbP50: number;
  floorEndToEndRatio: number;
  gatewayCpuMsPerRequest: number;
  /** The do-nothing proxy's CPU per request: the floor for the figure above. */
  floorCpuMsPerRequest: number;
  /** After start, before any request. */
  gatewayIdleRssMb: number;
  gatewayPeakRssMb: number;
}

export interface SideRaw {
  samples: Sample[];
  wallMs: number;
  simulatorCpuMs: number;
}

function mean(values: number[]): number {
  const finite = values.filter(Number.isFinite);
  return finite.reduce((sum, value) => sum + value, 0) / finite.length;
}

export function sideFigures(raw: SideRaw): SideFigures {
  const ok = raw.samples.filter((sample) => sample.ok);
  return {
    requests: raw.samples.length,
    failed: raw.samples.length - ok.length,
    ttfbP50: percentile(
      ok.map((sample) => sample.ttfbMs),
      50,
    ),
    ttfbP99: percentile(
      ok.map((sample) => sample.ttfbMs),
      99,
    ),
    totalMean: mean(ok.map((sample) => sample.totalMs)),
    wallMs: raw.wallMs,
    simulatorCpuMsPerRequest: raw.simulatorCpuMs / raw.samples.length,
  };
}

export function levelFigures(
  concurrency: number,
  raw: { direct: SideRaw; gateway: SideRaw; floor: SideRaw },
  cpuMs: { gateway: number; floor: number },
  rssMb: { idle: number; peak: number },
): LevelFigures {
  const d = sideFigures(raw.direct);
  const g = sideFigures(raw.gateway);
  const f = sideFigures(raw.floor);
  return {
    concurrency,
    direct: d,
    gateway: g,
    floor: f,
    addedTtfbP50: g.ttfbP50 - d.ttfbP50,
    addedTtfbP99: g.ttfbP99 - d.ttfbP99,
    endToEndRatio: g.totalMean / d.totalMean,
    wallRatio: g.wallMs / d.wallMs,
    floorAddedTtfbP50: f.ttfbP50 - d.ttfbP50,
    floorEndToEndRatio: f.totalMean / d.totalMean,
    gatewayCpuMsPerRequest: cpuMs.gateway / g.requests,
    floorCpuMsPerRequest: cpuMs.floor / f.requests,
    gatewayIdleRssMb: rssMb.idle,
    gatewayPeakRssMb: rssMb.peak,
  };
}

const fixed = (value: number, digits: number): string =>
  Number.isFinite(value) ? value.toFixed(digits) : '-';

type Row<T> = [string, (column: T) => string];

/** Metrics as rows, one column per item. */
function formatRows<T>(header: string[], rows: Row<T>[], columns: T[]): string {
  const cells = [header, ...rows.map(([label, cell]) => [label, ...columns.map(cell)])];
  const widths = header.map((_, column) => Math.max(...cells.map((row) => row[column]!.length)));
  return cells
    .map((row) =>
      row
        .map((cell, column) => (column === 0 ? cell.padEnd(widths[0]!) : cell.padStart(widths[column]!)))
        .join('   '),
    )
    .join('\n');
}

/** Metrics as rows, concurrency levels as columns. */
export function formatTable(levels: LevelFigures[]): string {
  const rows: Row<LevelFigures>[] = [
    ['requests per side', (l) => String(l.gateway.requests)],
    [
      'failed (direct / gateway / floor)',
      (l) => `${l.direct.failed} / ${l.gateway.failed} / ${l.floor.failed}`,
    ],
    ['TTFB direct p50 / p99 (ms)', (l) => `${fixed(l.direct.ttfbP50, 2)} / ${fixed(l.direct.ttfbP99, 2)}`],
    ['TTFB gateway p50 / p99 (ms)', (l) => `${fixed(l.gateway.ttfbP50, 2)} / ${fixed(l.gateway.ttfbP99, 2)}`],
    ['added TTFB p50 (ms)', (l) => fixed(l.addedTtfbP50, 2)],
    ['added TTFB p99 (ms)', (l) => fixed(l.addedTtfbP99, 2)],
    ['end-to-end mean direct (ms)', (l) => fixed(l.direct.totalMean, 1)],
    ['end-to-end mean gateway (ms)', (l) => fixed(l.gateway.totalMean, 1)],
    ['end-to-end ratio (mean)', (l) => fixed(l.endToEndRatio, 3)],
    ['end-to-end ratio (batch wall)', (l) => fixed(l.wallRatio, 3)],
    ['floor: bare Node proxy, added TTFB p50 (ms)', (l) => fixed(l.floorAddedTtfbP50, 2)],
    ['floor: bare Node proxy, end-to-end ratio', (l) => fixed(l.floorEndToEndRatio, 3)],
    ['gateway CPU per request (ms)', (l) => fixed(l.gatewayCpuMsPerRequest, 2)],
    ['floor: bare Node proxy CPU per request (ms)', (l) => fixed(l.floorCpuMsPerRequest, 2)],
    [
      'simulator CPU/req direct / gw (ms)',
      (l) =>
        `${fixed(l.direct.simulatorCpuMsPerRequest, 2)} / ${fixed(l.gateway.simulatorCpuMsPerRequest, 2)}`,
    ],
    [
      'gateway RSS idle / peak (MB)',
      (l) => `${fixed(l.gatewayIdleRssMb, 1)} / ${fixed(l.gatewayPeakRssMb, 1)}`,
    ],
  ];
  return formatRows(['', ...levels.map((level) => `c=${level.concurrency}`)], rows, levels);
}

/** The unpaced closed loops: throughput and CPU per request of the three sides. */
export function formatUnpaced(levels: UnpacedLevel[]): string {
  const rows: Row<UnpacedLevel>[] = [
    [
      'requests direct / gateway / floor',
      (l) => `${l.direct.completed} / ${l.gateway.completed} / ${l.floor.completed}`,
    ],
    [
      'failed direct / gateway / floor',
      (l) => `${l.direct.failed} / ${l.gateway.failed} / ${l.floor.failed}`,
    ],
    ['requests/s direct', (l) => fixed(l.direct.requestsPerSecond, 0)],
    ['requests/s gateway', (l) => fixed(l.gateway.requestsPerSecond, 0)],
    ['requests/s floor: bare Node proxy', (l) => fixed(l.floor.requestsPerSecond, 0)],
    ['gateway CPU per request (ms)', (l) => fixed(l.gateway.cpuMsPerRequest, 2)],
    ['floor: bare Node proxy CPU per request (ms)', (l) => fixed(l.floor.cpuMsPerRequest, 2)],
  ];
  return formatRows(['unpaced', ...levels.map((level) => `c=${level.concurrency}`)], rows, levels);
}

/** The stall scenario, one column. */
export function formatStall(stall: StallFigures): string {
  const { direct, gateway, eventLoopDelay: eld, large } = stall;
  const rows: Row<StallFigures>[] = [
    ['failed streams direct / gateway', () => `${direct.failed} / ${gateway.failed}`],
    [
      'inter-chunk gap p99 direct / gateway (ms)',
      () => `${fixed(direct.gapP99, 1)} / ${fixed(gateway.gapP99, 1)}`,
    ],
    [
      'inter-chunk gap max direct / gateway (ms)',
      () => `${fixed(direct.gapMax, 1)} / ${fixed(gateway.gapMax, 1)}`,
    ],
    ['added gap p99 / max (ms)', () => `${fixed(stall.addedGapP99, 1)} / ${fixed(stall.addedGapMax, 1)}`],
    [
      'gateway event-loop delay p50 / p99 / max (ms)',
      () => `${fixed(eld.p50, 1)} / ${fixed(eld.p99, 1)} / ${fixed(eld.max, 1)}`,
    ],
    ['large request TTFB / end (ms, worst)', () => `${fixed(large.ttfbMs, 0)} / ${fixed(large.totalMs, 0)}`],
    [
      'large request input_tokens (count_tokens)',
      () => large.inputTokens.map((tokens, index) => `${tokens} (${large.countTokens[index]})`).join(', '),
    ],
  ];
  const header = [
    `stall: ${stall.streams} paced streams + ${(large.bytes / 1e6).toFixed(1)} MB request, ${stall.rounds} rounds`,
    '',
  ];
  return formatRows(header, rows, [stall]);
}

export interface TargetCheck {
  name: string;
  value: number;
  limit: number;
  unit: string;
  pass: boolean;
}

/** The targets, for what was run. */
export function checkTargets(
  levels: LevelFigures[],
  unpaced: UnpacedLevel[],
  stall: StallFigures | undefined,
): TargetCheck[] {
  const at = (concurrency: number) => levels.find((level) => level.concurrency === concurrency);
  const checks: TargetCheck[] = [];
  const add = (name: string, value: number | undefined, limit: number, unit: string) => {
    if (value !== undefined) checks.push({ name, value, limit, unit, pass: value <= limit });
  };
  const c1 = at(1);
  add('added TTFB p50 at c=1, over the floor', c1 && c1.addedTtfbP50 - c1.floorAddedTtfbP50, 0.6, 'ms');
  add('added TTFB p50 at c=500', at(500)?.addedTtfbP50, 150, 'ms');
  add('gateway CPU per request at c=50', at(50)?.gatewayCpuMsPerRequest, 5.4, 'ms');
  add('gateway CPU per request at c=500', at(500)?.gatewayCpuMsPerRequest, 3.1, 'ms');
  add(
    'unpaced: gateway CPU per request at c=50',
    unpaced.find((level) => level.concurrency === 50)?.gateway.cpuMsPerRequest,
    1.6,
    'ms',
  );
  add('gateway peak RSS at c=500', at(500)?.gatewayPeakRssMb, 200, 'MB');
  add('stall: added inter-chunk gap p99', stall?.addedGapP99, 20, 'ms');
  add('stall: large requests with a wrong input_tokens', stall && (stall.large.correct ? 0 : 1), 0, '');
  return checks;
}

export function formatChecks(checks: TargetCheck[]): string {
  return checks
    .map(
      (check) =>
        `${check.pass ? 'PASS' : 'FAIL'}  ${check.name}: ${fixed(check.value, 3)} ${check.unit} (target ≤ ${check.limit} ${check.unit})`,
    )
    .join('\n');
}
