// The unpaced workload: 200-chunk replies sent without pauses, closed loops at several
// concurrencies. Throughput and CPU per request, through the gateway, direct and through the floor.

import type { LoopResult, Send } from './load.js';
import { runClosedLoop } from './load.js';
import { cpuMs } from './processes.js';

export type Side = 'direct' | 'gateway' | 'floor';
export const SIDES: Side[] = ['direct', 'gateway', 'floor'];

export interface UnpacedSide {
  completed: number;
  failed: number;
  requestsPerSecond: number;
  /** CPU of the process in the middle (gateway or do-nothing proxy) per completed request; none for direct. */
  cpuMsPerRequest: number;
}

export interface UnpacedLevel {
  concurrency: number;
  direct: UnpacedSide;
  gateway: UnpacedSide;
  floor: UnpacedSide;
}

export interface UnpacedOptions {
  levels: number[];
  /** Closed-loop time per side and round. */
  durationMs: number;
  rounds: number;
  maxRequests: number;
  /** Process in the middle of each side (whose CPU is charged to it). */
  pids: Record<Side, number | undefined>;
}

function sideFigures(loops: LoopResult[], cpu: number): UnpacedSide {
  const completed = loops.reduce((sum, loop) => sum + loop.completed, 0);
  const wallMs = loops.reduce((sum, loop) => sum + loop.wallMs, 0);
  return {
    completed,
    failed: loops.reduce((sum, loop) => sum + loop.failed, 0),
    requestsPerSecond: (completed * 1000) / wallMs,
    cpuMsPerRequest: cpu / completed,
  };
}

export async function measureUnpaced(
  send: Record<Side, Send>,
  tagOf: () => string,
  options: UnpacedOptions,
): Promise<UnpacedLevel[]> {
  const cpuOf = (side: Side) => {
    const pid = options.pids[side];
    return pid === undefined ? Number.NaN : cpuMs(pid);
  };
  // Warm-up: JIT and pools, at the highest level's width.
  const warm = { durationMs: 1000, maxRequests: options.maxRequests };
  const widest = Math.max(...options.levels);
  for (const side of SIDES) await runClosedLoop(send[side], widest, tagOf, warm);
  const levels: UnpacedLevel[] = [];
  for (const concurrency of options.levels) {
    const loops: Record<Side, LoopResult[]> = { direct: [], gateway: [], floor: [] };
    const cpu: Record<Side, number> = { direct: 0, gateway: 0, floor: 0 };
    for (let round = 0; round < options.rounds; round++) {
      for (let index = 0; index < SIDES.length; index++) {
        const side = SIDES[(index + round) % SIDES.length]!;
        const before = cpuOf(side);
        loops[side].push(await runClosedLoop(send[side], concurrency, tagOf, options));
        cpu[side] += cpuOf(side) - before;
      }
    }
    levels.push({
      concurrency,
      direct: sideFigures(loops.direct, cpu.direct),
      gateway: sideFigures(loops.gateway, cpu.gateway),
      floor: sideFigures(loops.floor, cpu.floor),
    });
  }
  return levels;
}
