// Reads the import graph of the production sources and checks it against the layer order.
import path from 'node:path';
import ts from 'typescript';

/** Files and folders are named relative to `src/`, with `/` separators. */
export type ImportGraph = ReadonlyMap<string, readonly string[]>;

/**
 * Top to bottom. A file may import its own folder (without cycles) and any layer below its own; never a layer
 * above, nor a sibling on its own row. A folder not listed belongs to its nearest listed parent.
 */
export type LayerOrder = readonly (readonly string[])[];

/** Production files: what tsconfig.build.json compiles (tests and test helpers excluded there). */
export function readImportGraph(repoRoot: string): Map<string, string[]> {
  const configPath = path.join(repoRoot, 'tsconfig.build.json');
  const { config } = ts.readConfigFile(configPath, (file) => ts.sys.readFile(file)) as { config: unknown };
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, repoRoot);
  const srcRoot = path.join(repoRoot, 'src');
  const graph = new Map<string, string[]>();
  for (const file of parsed.fileNames) {
    const source = ts.createSourceFile(file, ts.sys.readFile(file) ?? '', ts.ScriptTarget.Latest, true);
    const targets = moduleSpecifiers(source)
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => path.resolve(path.dirname(file), specifier).replace(/\.js$/, '.ts'))
      .map((target) => path.relative(srcRoot, target).split(path.sep).join('/'));
    graph.set(path.relative(srcRoot, file).split(path.sep).join('/'), [...new Set(targets)]);
  }
  return graph;
}

/** Static imports and re-exports (type-only included), `import('…')` calls and `import('…')` types. */
function moduleSpecifiers(source: ts.SourceFile): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      if (argument && ts.isStringLiteralLike(argument)) found.push(argument.text);
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      found.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

interface Placement {
  row: number;
  folder: string;
}

function place(file: string, layers: LayerOrder): Placement | undefined {
  let best: Placement | undefined;
  layers.forEach((row, index) => {
    for (const folder of row) {
      const inside = file === folder || file.startsWith(`${folder}/`);
      if (inside && (!best || folder.length > best.folder.length)) best = { row: index, folder };
    }
  });
  return best;
}

/** Every arrow that leaves the layered tree, runs back up, or sideways into a sibling: `from → to (why)`. */
export function findLayerViolations(graph: ImportGraph, layers: LayerOrder): string[] {
  const violations: string[] = [];
  for (const [file, targets] of graph) {
    const from = place(file, layers);
    if (!from) {
      violations.push(`${file}: in no layer (add its folder to the layer order)`);
      continue;
    }
    for (const target of targets) {
      const to = place(target, layers);
      if (!graph.has(target)) {
        violations.push(`${file} → ${target} (not a production source file)`);
      } else if (!to) {
        continue; // reported as "in no layer" on its own
      } else if (to.row < from.row) {
        violations.push(`${file} → ${target} (${from.folder} may not import ${to.folder}, a higher layer)`);
      } else if (to.row === from.row && to.folder !== from.folder) {
        violations.push(`${file} → ${target} (${from.folder} may not import its sibling ${to.folder})`);
      }
    }
  }
  return violations.sort();
}

/** Import circles (strongly connected components of two files or more, or a file importing itself). */
export function findImportCycles(graph: ImportGraph): string[][] {
  // Tarjan's algorithm, iterative so a deep graph cannot overflow the stack.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let counter = 0;
  for (const root of graph.keys()) {
    if (index.has(root)) continue;
    const work: { node: string; next: number }[] = [{ node: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const targets = graph.get(frame.node) ?? [];
      if (frame.next < targets.length) {
        const target = targets[frame.next++]!;
        if (!graph.has(target)) continue;
        if (!index.has(target)) {
          index.set(target, counter);
          low.set(target, counter++);
          stack.push(target);
          onStack.add(target);
          work.push({ node: target, next: 0 });
        } else if (onStack.has(target)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(target)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) !== index.get(frame.node)) continue;
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== frame.node);
      if (component.length > 1 || targets.includes(frame.node)) cycles.push(component.sort());
    }
  }
  return cycles.sort((a, b) => a[0]!.localeCompare(b[0]!));
}
