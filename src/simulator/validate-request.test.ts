import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KiroGenerateRequest } from '../upstream/kiro-request.js';
import { countRequestInputTokens, requestTexts } from './context-usage.js';
import { currentMessageText, defaultReplyText } from './default-reply.js';
import type { RequestValidationOptions } from './validate-request.js';
import { validateGenerateRequest } from './validate-request.js';
import { wellFormedExample } from './simulator-test-helpers.js';

const OPTIONS: RequestValidationOptions = {
  runtime: false,
  toolLimits: { nameLimit: 64, descriptionLimit: 10_240 },
  toolDescriptionStatus: 500,
};

type Path = (string | number)[];

function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  const entries = Array.isArray(value)
    ? value.map((item, index) => [index, item] as const)
    : Object.entries(value);
  return [prefix, ...entries.flatMap(([key, item]) => pathsOf(item, [...prefix, key]))];
}

const DELETE = Symbol('delete');

function mutate(body: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement === DELETE ? undefined : replacement;
  const copy = structuredClone(body) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (replacement !== DELETE) parent[last] = replacement;
  else if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else delete parent[last];
  return copy;
}

/** What the simulator does with an accepted body must not throw either. */
function useAccepted(request: KiroGenerateRequest): void {
  countRequestInputTokens(request);
  requestTexts(request);
  currentMessageText(request);
  defaultReplyText(request);
}

describe('validateGenerateRequest robustness', () => {
  it('accepts the §3.8 example', () => {
    expect(validateGenerateRequest(wellFormedExample(), OPTIONS)).toMatchObject({ ok: true });
  });

  it('never throws on arbitrary JSON, and rejects it with a 4xx', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (body) => {
        const result = validateGenerateRequest(body, OPTIONS);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.answer.status).toBe(400);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on mutations of a valid body, and what it accepts is safe to use', () => {
    const example = wellFormedExample();
    const paths = pathsOf(example);
    const replacement = fc.oneof(
      fc.constant<unknown>(DELETE),
      fc.constant<unknown>(null),
      fc.constant<unknown>([]),
      fc.constant<unknown>(''),
      fc.jsonValue(),
    );
    fc.assert(
      fc.property(fc.constantFrom(...paths), replacement, fc.boolean(), (path, value, runtime) => {
        const body = mutate(example, path, value);
        const result = validateGenerateRequest(body, { ...OPTIONS, runtime });
        if (result.ok) useAccepted(result.request);
        else expect([400, 500]).toContain(result.answer.status);
      }),
      { numRuns: 1000 },
    );
  });
});
