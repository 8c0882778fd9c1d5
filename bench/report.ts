// Turns raw samples into the figures the bench prints and saves.

import type { Sample } from './load.js';

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
  gatewayPeakRssMb: number;
}

export interface SideRaw {
  samples: Sample[];
  wallMs: number;
  simulatorCpuMs: number;
}

/** Nearest-rank percentile of the finite values. */
export function percentile(values: number[], p: number): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
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
  gatewayCpuMs: number,
  gatewayPeakRssMb: number,
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
    gatewayCpuMsPerRequest: gatewayCpuMs / g.requests,
    gatewayPeakRssMb,
  };
}

const fixed = (value: number, digits: number): string =>
  Number.isFinite(value) ? value.toFixed(digits) : '-';

/** Metrics as rows, concurrency levels as columns. */
export function formatTable(levels: LevelFigures[]): string {
  const rows: [string, (level: LevelFigures) => string][] = [
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
    [
      'simulator CPU/req direct / gw (ms)',
      (l) =>
        `${fixed(l.direct.simulatorCpuMsPerRequest, 2)} / ${fixed(l.gateway.simulatorCpuMsPerRequest, 2)}`,
    ],
    ['gateway peak RSS (MB)', (l) => fixed(l.gatewayPeakRssMb, 1)],
  ];
  const header = ['', ...levels.map((level) => `c=${level.concurrency}`)];
  const cells = [header, ...rows.map(([label, cell]) => [label, ...levels.map(cell)])];
  const widths = header.map((_, column) => Math.max(...cells.map((row) => row[column]!.length)));
  return cells
    .map((row) =>
      row
        .map((cell, column) => (column === 0 ? cell.padEnd(widths[0]!) : cell.padStart(widths[column]!)))
        .join('   '),
    )
    .join('\n');
}

export interface TargetCheck {
  name: string;
  value: number;
  limit: number;
  unit: string;
  pass: boolean;
}

/** The three targets, for the levels that were run. */
export function checkTargets(levels: LevelFigures[]): TargetCheck[] {
  const at = (concurrency: number) => levels.find((level) => level.concurrency === concurrency);
  const checks: TargetCheck[] = [];
  const add = (name: string, value: number | undefined, limit: number, unit: string) => {
    if (value !== undefined) checks.push({ name, value, limit, unit, pass: value <= limit });
  };
  add('added TTFB p50 at c=1', at(1)?.addedTtfbP50, 1, 'ms');
  add('end-to-end ratio at c=500', at(500)?.endToEndRatio, 1.1, '');
  add('gateway peak RSS at c=500', at(500)?.gatewayPeakRssMb, 200, 'MB');
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
