// The README "Architecture" layer order, enforced: imports run one way, top to bottom, without circles.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { LayerOrder } from './import-graph.js';
import { findImportCycles, findLayerViolations, readImportGraph } from './import-graph.js';

/**
 * Folders under src/, top to bottom (README "Architecture"); folders on one row are siblings and may not import
 * each other. A new folder (http/openai, a console) needs its own row, else it counts as part of its parent.
 */
const LAYERS: LayerOrder = [
  ['cli.ts'],
  ['demo'],
  ['gateway', 'simulator'],
  ['http/anthropic'],
  ['config'],
  ['storage'],
  ['http'],
  ['conversion'],
  ['protocols'],
  ['tokens'],
  ['dispatch'],
  ['credentials'],
  ['upstream'],
  ['upstream/event-stream'],
  ['shared'],
];

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('import graph of src/', () => {
  const graph = readImportGraph(repoRoot);

  it('reads the production sources and their relative imports', () => {
    expect(graph.get('cli.ts')).toContain('gateway/run-gateway.ts');
    expect(graph.has('http/anthropic/messages-route.ts')).toBe(true);
    expect([...graph.keys()].some((file) => file.endsWith('.test.ts'))).toBe(false);
  });

  it('has no import running back up a layer or sideways', () => {
    expect(findLayerViolations(graph, LAYERS)).toEqual([]);
  });

  it('has no import circle', () => {
    expect(findImportCycles(graph)).toEqual([]);
  });
});

describe('the checker', () => {
  const layers: LayerOrder = [['edge', 'tower'], ['middle'], ['floor']];

  it('reports upward, sideways, unplaced and outside arrows and accepts downward ones', () => {
    const graph = new Map<string, string[]>([
      ['edge/a.ts', ['middle/b.ts', 'floor/c.ts', 'edge/d.ts', 'middle/deep/e.ts']],
      ['edge/d.ts', []],
      ['middle/b.ts', ['edge/a.ts', 'floor/c.ts']],
      ['middle/deep/e.ts', ['tower/t.ts']],
      ['floor/c.ts', ['../test/helpers/x.ts']],
      ['tower/t.ts', ['edge/d.ts']],
      ['loose/f.ts', ['floor/c.ts']],
    ]);
    expect(findLayerViolations(graph, layers)).toEqual([
      'floor/c.ts → ../test/helpers/x.ts (not a production source file)',
      'loose/f.ts: in no layer (add its folder to the layer order)',
      'middle/b.ts → edge/a.ts (middle may not import edge, a higher layer)',
      'middle/deep/e.ts → tower/t.ts (middle may not import tower, a higher layer)',
      'tower/t.ts → edge/d.ts (tower may not import its sibling edge)',
    ]);
  });

  it('finds circles of any length and self-imports, and nothing in a tree', () => {
    const graph = new Map<string, string[]>([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts', 'd.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['e.ts']],
      ['e.ts', ['e.ts']],
      ['f.ts', ['d.ts']],
    ]);
    expect(findImportCycles(graph)).toEqual([['a.ts', 'b.ts', 'c.ts'], ['e.ts']]);
    expect(
      findImportCycles(
        new Map([
          ['a.ts', ['b.ts']],
          ['b.ts', []],
        ]),
      ),
    ).toEqual([]);
  });
});
