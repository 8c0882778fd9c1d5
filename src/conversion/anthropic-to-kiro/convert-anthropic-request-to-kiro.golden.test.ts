import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { describe, expect, it } from 'vitest';
import { parseMessagesRequest } from '../../protocols/anthropic/messages-request.js';
import { sequentialIds } from '../../shared/clock.js';
import type { ConversionContext } from './conversion-context.js';
import { convertAnthropicRequestToKiro } from './convert-anthropic-request-to-kiro.js';
import { validateKiroRequest } from './validate-kiro-request.js';

// Each __fixtures__/<case>/ holds request.anthropic.json, an optional context.json (ConversionContext
// overrides) and the goldens: expected.kiro.json + expected.meta.json, or expected.error.json.
// UPDATE_GOLDEN=1 rewrites the goldens.

const fixturesDirectory = fileURLToPath(new URL('./__fixtures__/', import.meta.url));
const update = process.env.UPDATE_GOLDEN === '1';
const cases = readdirSync(fixturesDirectory, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

/** Conversion must not change its request: parseMessagesRequest may hand back the client's body itself. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** Goldens are written the way `prettier --write` would leave them, so lint stays clean after an update. */
async function compareOrWrite(path: string, actual: unknown): Promise<void> {
  if (update || !existsSync(path)) {
    const options = (await resolveConfig(path)) ?? {};
    writeFileSync(path, await format(JSON.stringify(actual), { ...options, filepath: path }));
  }
  expect(actual).toEqual(readJson(path));
}

describe('convertAnthropicRequestToKiro golden fixtures', () => {
  it('has fixtures', () => {
    expect(cases.length).toBeGreaterThan(20);
  });

  it.each(cases)('%s', async (name) => {
    const directory = join(fixturesDirectory, name);
    const contextPath = join(directory, 'context.json');
    const overrides = existsSync(contextPath) ? (readJson(contextPath) as Partial<ConversionContext>) : {};
    const context: ConversionContext = {
      newId: sequentialIds(),
      modelMapping: {},
      maxUpstreamBodyBytes: 600_000,
      payloadGuard: 'trim',
      ...overrides,
    };
    const errorPath = join(directory, 'expected.error.json');
    let outcome: { result: ReturnType<typeof convertAnthropicRequestToKiro> } | { error: unknown };
    try {
      const request = deepFreeze(parseMessagesRequest(readJson(join(directory, 'request.anthropic.json'))));
      outcome = { result: convertAnthropicRequestToKiro(request, context) };
    } catch (error) {
      outcome = { error };
    }
    if ('error' in outcome) {
      if (!(outcome.error instanceof Error)) throw outcome.error;
      if (!existsSync(errorPath) && !update) throw outcome.error;
      await compareOrWrite(errorPath, { name: outcome.error.name, message: outcome.error.message });
      return;
    }
    const { result } = outcome;
    expect(existsSync(errorPath) && !update).toBe(false);
    expect(validateKiroRequest(result.request, { maxBodyBytes: context.maxUpstreamBodyBytes })).toEqual([]);
    await compareOrWrite(join(directory, 'expected.kiro.json'), result.request);
    await compareOrWrite(join(directory, 'expected.meta.json'), {
      model: result.model,
      thinking: result.thinking,
      toolNameMap: Object.fromEntries(result.toolNameMap),
      warnings: result.warnings,
      trimmedMessages: result.trimmedMessages,
    });
  });
});
