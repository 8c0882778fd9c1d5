// Test helper process: rewrites a file with atomicWriteFile in a tight loop until it is killed.
// Usage: node --import tsx rewrite-loop.ts <file> <first-version>
import { atomicWriteFile } from '../atomic-write-file.js';

/** Deterministic, fairly large content so a kill often lands mid-write. */
export function versionContent(version: number): string {
  return `${JSON.stringify({ version, payload: `v${version};`.repeat(30_000) }, null, 2)}\n`;
}

async function main(): Promise<void> {
  const [target, first] = process.argv.slice(2);
  if (target === undefined) throw new Error('usage: rewrite-loop.ts <file> <first-version>');
  let version = Number(first ?? '1');
  await atomicWriteFile(target, versionContent(version));
  process.stdout.write('ready\n');
  for (;;) {
    version += 1;
    await atomicWriteFile(target, versionContent(version));
  }
}

if (process.argv[1]?.endsWith('rewrite-loop.ts')) await main();
