// The gateway's main thread must never load the Claude tokenizer (~33 MB of WASM and BPE ranks, and
// ~300 ms per MB of encoding): only the tokenizer worker may. Checked on the static import graph of
// `kirogate serve` (the simulator and demo are imported dynamically, and use it on purpose).
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const VALUE_IMPORT = /^(?:import|export)\s+(?!type\b)[^;]*?from\s+'([^']+)'/gms;

/** Every module reached from `entry` by static, non-type imports, as paths relative to src/, and packages. */
function staticImports(entry: string): Set<string> {
  const seen = new Set<string>();
  const pending = [resolve(SRC, entry)];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    const name = relative(SRC, file);
    if (seen.has(name)) continue;
    seen.add(name);
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(VALUE_IMPORT)) {
      if (specifier!.startsWith('.')) pending.push(join(dirname(file), specifier!.replace(/\.js$/, '.ts')));
      else seen.add(specifier!);
    }
  }
  return seen;
}

describe('the gateway main thread', () => {
  it('never imports the tokenizer; the worker does', () => {
    const main = staticImports('cli.ts');
    expect(main).toContain('gateway/create-gateway.ts');
    expect(main).toContain('tokens/token-counter.ts');
    expect(main).not.toContain('tokens/claude-tokenizer.ts');
    expect(main).not.toContain('@anthropic-ai/tokenizer');
    expect(staticImports('tokens/tokenizer-worker.ts')).toContain('@anthropic-ai/tokenizer');
  });
});
