// Top functions by self time in a V8 .cpuprofile (from `npm run bench -- --cpu-prof DIR`).
//   npx tsx bench/top-self-time.ts <file.cpuprofile | DIR> [count]
// A directory means its newest .cpuprofile. Prints name, file:line, self ms and % of the busy
// (non-idle) sampled time.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const IDLE = '(idle)@(native)';

export interface SelfTime {
  name: string;
  location: string;
  ms: number;
  percent: number;
}

/** Self time per function (nodes with the same name and location summed), largest first; idle time left out. */
export function topSelfTime(profile: CpuProfile, count: number): SelfTime[] {
  const keyOf = new Map<number, string>();
  const frames = new Map<string, { name: string; location: string }>();
  for (const { id, callFrame } of profile.nodes) {
    const file = callFrame.url ? basename(callFrame.url.replace(/^file:\/\//, '')) : '';
    const location = file ? `${file}:${callFrame.lineNumber + 1}` : '(native)';
    const name = callFrame.functionName || '(anonymous)';
    const key = `${name}@${location}`;
    keyOf.set(id, key);
    frames.set(key, { name, location });
  }
  const micros = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, index) => {
    // timeDeltas[i] is the time before sample i; it is charged to that sample's function.
    const delta = profile.timeDeltas[index] ?? 0;
    const key = keyOf.get(id)!;
    if (key === IDLE) return;
    micros.set(key, (micros.get(key) ?? 0) + delta);
    total += delta;
  });
  return [...micros]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([key, us]) => ({ ...frames.get(key)!, ms: us / 1000, percent: (100 * us) / total }));
}

function newestProfile(path: string): string {
  if (!statSync(path).isDirectory()) return path;
  const files = readdirSync(path)
    .filter((name) => name.endsWith('.cpuprofile'))
    .map((name) => join(path, name))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (!files[0]) throw new Error(`no .cpuprofile in ${path}`);
  return files[0];
}

export function formatSelfTime(rows: SelfTime[]): string {
  const nameWidth = Math.max(...rows.map((row) => row.name.length), 8);
  const locationWidth = Math.max(...rows.map((row) => row.location.length), 8);
  return rows
    .map(
      (row, index) =>
        `${String(index + 1).padStart(2)}. ${row.name.padEnd(nameWidth)}  ${row.location.padEnd(locationWidth)}  ` +
        `${row.ms.toFixed(0).padStart(7)} ms  ${row.percent.toFixed(1).padStart(5)} %`,
    )
    .join('\n');
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const [path, count] = process.argv.slice(2);
  if (!path) throw new Error('usage: top-self-time.ts <file.cpuprofile | DIR> [count]');
  const file = newestProfile(path);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  console.log(`${file}\n${formatSelfTime(topSelfTime(profile, Number(count ?? 10)))}`);
}
