// Golden fixtures: __fixtures__/<case>/upstream.events.jsonl + options.json → expected.anthropic.sse
// and expected.message.json. `UPDATE_GOLDEN=1 npx vitest run` rewrites the expected files.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseSse } from '../../../test/helpers/parse-sse.js';
import { encodeSseEvent } from '../../protocols/anthropic/encode-sse-event.js';
import { checkAnthropicEventGrammar } from '../../protocols/anthropic/event-grammar.js';
import type { AnthropicStreamEvent } from '../../protocols/anthropic/stream-events.js';
import { isGatewayError } from '../../shared/errors.js';
import { countTextTokens } from '../../tokens/claude-tokenizer.js';
import type { KiroEvent } from '../../upstream/event-stream/kiro-event.js';
import { aggregateMessage } from './aggregate-message.js';
import { KiroToAnthropicTranslator } from './kiro-to-anthropic-translator.js';

const FIXTURES = fileURLToPath(new URL('./__fixtures__/', import.meta.url));
const UPDATE = process.env.UPDATE_GOLDEN === '1';

const optional = <T extends z.ZodType>(schema: T) => schema.optional();
const kiroEventSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text'), content: z.string() }),
  z.strictObject({
    type: z.literal('toolUse'),
    toolUseId: z.string(),
    name: optional(z.string()),
    input: z.string(),
    stop: z.boolean(),
  }),
  z.strictObject({ type: z.literal('metering'), usage: z.number(), unit: optional(z.string()) }),
  z.strictObject({ type: z.literal('contextUsage'), percentage: z.number() }),
  z.strictObject({
    type: z.literal('reasoning'),
    text: z.string(),
    signature: optional(z.string()),
    redactedContent: optional(z.string()),
  }),
  z.strictObject({ type: z.literal('ignored'), eventType: z.string() }),
  z.strictObject({
    type: z.literal('exception'),
    exceptionType: z.string(),
    message: z.string(),
    reason: optional(z.string()),
  }),
  z.strictObject({ type: z.literal('error'), errorCode: z.string(), message: z.string() }),
]);

const optionsSchema = z.strictObject({
  messageId: z.string(),
  model: z.string(),
  inputTokens: z.number().int(),
  contextWindow: z.number().int(),
  thinking: z.boolean(),
  toolNameMap: z.record(z.string(), z.string()),
  /** End with `fail(error)` instead of `finish()`: a transport failure after the last event. */
  fail: z.strictObject({ type: z.literal('api_error'), message: z.string() }).optional(),
});

type FixtureOptions = z.infer<typeof optionsSchema>;

interface Fixture {
  name: string;
  events: KiroEvent[];
  options: FixtureOptions;
}

function loadFixture(name: string): Fixture {
  const folder = `${FIXTURES}${name}/`;
  const events = readFileSync(`${folder}upstream.events.jsonl`, 'utf8')
    .split('\n')
    .filter((line) => line.trim().length > 0)
    // JSON has no `undefined`: null in a fixture stands for an absent field.
    .map(
      (line) =>
        kiroEventSchema.parse(JSON.parse(line, (_key, value: unknown) => value ?? undefined)) as KiroEvent,
    );
  const options = optionsSchema.parse(JSON.parse(readFileSync(`${folder}options.json`, 'utf8')));
  return { name, events, options };
}

function translate(events: readonly KiroEvent[], options: FixtureOptions): AnthropicStreamEvent[] {
  const translator = new KiroToAnthropicTranslator({
    ...options,
    toolNameMap: new Map(Object.entries(options.toolNameMap)),
    countTokens: countTextTokens,
  });
  const output = translator.start();
  for (const event of events) output.push(...translator.push(event));
  output.push(...(options.fail === undefined ? translator.finish() : translator.fail(options.fail)));
  return output;
}

/** The non-streaming result: the message, or the HTTP error it turns into. */
function aggregateOrError(events: readonly AnthropicStreamEvent[]): unknown {
  try {
    return aggregateMessage(events);
  } catch (error) {
    if (!isGatewayError(error)) throw error;
    return { error: { status: error.status, type: error.type, message: error.message } };
  }
}

function compareGolden(path: string, actual: string): void {
  if (UPDATE) {
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) throw new Error(`missing golden ${path}: run with UPDATE_GOLDEN=1 and review it`);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

const fixtureNames = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describe('kiro → anthropic golden fixtures', () => {
  it('has the fixtures', () => {
    expect(fixtureNames.length).toBeGreaterThanOrEqual(30);
  });

  it.each(fixtureNames)('%s', (name) => {
    const { events, options } = loadFixture(name);
    const output = translate(events, options);
    expect(checkAnthropicEventGrammar(output)).toEqual([]);
    const sse = output.map(encodeSseEvent).join('');
    expect(parseSse(sse).map((message) => message.data)).toEqual(JSON.parse(JSON.stringify(output)));
    compareGolden(`${FIXTURES}${name}/expected.anthropic.sse`, sse);
    compareGolden(
      `${FIXTURES}${name}/expected.message.json`,
      `${JSON.stringify(aggregateOrError(output), null, 2)}\n`,
    );
  });
});

/** Merges each run of consecutive text events into one, then cuts it at the given code-point offsets. */
function resplitText(events: readonly KiroEvent[], cutsFor: (length: number) => number[]): KiroEvent[] {
  const merged: KiroEvent[] = [];
  for (const event of events) {
    const last = merged.at(-1);
    if (event.type === 'text' && last?.type === 'text') {
      merged[merged.length - 1] = { type: 'text', content: last.content + event.content };
    } else {
      merged.push(event);
    }
  }
  return merged.flatMap((event): KiroEvent[] => {
    if (event.type !== 'text') return [event];
    const characters = Array.from(event.content);
    const cuts = [...new Set(cutsFor(characters.length))].filter((cut) => cut > 0 && cut < characters.length);
    cuts.sort((a, b) => a - b);
    const bounds = [0, ...cuts, characters.length];
    return bounds
      .slice(1)
      .map((end, i) => ({ type: 'text' as const, content: characters.slice(bounds[i], end).join('') }));
  });
}

function longestTextRun(events: readonly KiroEvent[]): number {
  let longest = 0;
  for (const event of resplitText(events, () => [])) {
    if (event.type === 'text') longest = Math.max(longest, Array.from(event.content).length);
  }
  return longest;
}

const THINKING_FIXTURES = fixtureNames.filter((name) => loadFixture(name).options.thinking);

// Joins each text run and re-splits it: at every offset, per character, randomly. Content must not change.
describe('thinking extraction is independent of chunking', () => {
  it.each(THINKING_FIXTURES)('%s: one cut at every character offset', (name) => {
    const { events, options } = loadFixture(name);
    const expected = aggregateOrError(translate(events, options));
    const expectedWhole = aggregateOrError(
      translate(
        resplitText(events, () => []),
        options,
      ),
    );
    expect(expectedWhole).toEqual(expected);
    for (let offset = 1; offset < longestTextRun(events); offset += 1) {
      const output = translate(
        resplitText(events, () => [offset]),
        options,
      );
      expect(checkAnthropicEventGrammar(output)).toEqual([]);
      expect(aggregateOrError(output)).toEqual(expected);
    }
  });

  it.each(THINKING_FIXTURES)('%s: every character its own event', (name) => {
    const { events, options } = loadFixture(name);
    const expected = aggregateOrError(translate(events, options));
    const output = translate(
      resplitText(events, (length) => Array.from({ length }, (_, i) => i)),
      options,
    );
    expect(checkAnthropicEventGrammar(output)).toEqual([]);
    expect(aggregateOrError(output)).toEqual(expected);
  });

  it.each(THINKING_FIXTURES)('%s: random multi-splits', (name) => {
    const { events, options } = loadFixture(name);
    const expected = aggregateOrError(translate(events, options));
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 400 }), { maxLength: 12 }), (cuts) => {
        const output = translate(
          resplitText(events, () => cuts),
          options,
        );
        expect(checkAnthropicEventGrammar(output)).toEqual([]);
        expect(aggregateOrError(output)).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });
});
