// What the bench sends and what the simulator answers: a mid-sized Claude Code-like request and a
// reply of 60 text chunks paced like a real model.

/** Text chunks in every reply (plus the meteringEvent and contextUsageEvent the simulator appends). */
export const REPLY_CHUNKS = 60;
/** Text chunks in every reply of the unpaced workload, sent without pauses. */
export const UNPACED_CHUNKS = 200;
/**
 * Pause before every frame after the first. A chunk is 2–4 words (~4 tokens); the fastest Claude
 * model, Haiku 4.5, streams ~110 tokens/s (Sonnet 4.5 ~63, Opus ~45; Artificial Analysis), so 35 ms
 * is the most demanding realistic pace. `--chunk-delay 15` (~265 tokens/s) is the stress setting.
 */
export const CHUNK_DELAY_MS = 35;

/** Replaced in both the Anthropic and the captured Kiro body: it routes the script and keeps the last message unique. */
export const TAG_PLACEHOLDER = '@@BENCH_TAG@@';

/** Requests whose last message holds this get the paced reply; `FAST_TAG` (warm-up) gets it without pauses. */
export const PACED_TAG = '[bench:paced]';
export const FAST_TAG = '[bench:fast]';
/** The unpaced workload: `UNPACED_CHUNKS` chunks, no pauses. */
export const UNPACED_TAG = '[bench:unpaced]';
export type ReplyKind = 'paced' | 'fast' | 'unpaced';
const TAGS: Record<ReplyKind, string> = { paced: PACED_TAG, fast: FAST_TAG, unpaced: UNPACED_TAG };

const WORDS = [
  'the',
  'function',
  'reads',
  'its',
  'configuration',
  'then',
  'opens',
  'a',
  'connection',
  'and',
  'streams',
  'each',
  'record',
  'to',
  'handler',
  'which',
  'validates',
  'input',
  'before',
  'writing',
];

/** `count` chunks of 2–4 words, deterministic. */
export function replyChunks(count = REPLY_CHUNKS): string[] {
  const chunks: string[] = [];
  let word = 0;
  for (let index = 0; index < count; index++) {
    const count = 2 + (index % 3);
    const words: string[] = [];
    for (let n = 0; n < count; n++) words.push(WORDS[word++ % WORDS.length]!);
    chunks.push(`${index === 0 ? '' : ' '}${words.join(' ')}${index % 9 === 8 ? '.' : ''}`);
  }
  return chunks;
}

/** The simulator scripts (POST /__sim/scripts bodies), each answering forever. */
export function simulatorScripts(chunkDelayMs: number = CHUNK_DELAY_MS): unknown[] {
  const steps = [{ type: 'text', text: replyChunks() }];
  const unpacedSteps = [{ type: 'text', text: replyChunks(UNPACED_CHUNKS) }];
  return [
    {
      script: { steps, chunkDelayMs },
      match: { messageIncludes: PACED_TAG, times: 'forever' },
    },
    { script: { steps, chunkDelayMs: 0 }, match: { messageIncludes: FAST_TAG, times: 'forever' } },
    {
      script: { steps: unpacedSteps, chunkDelayMs: 0 },
      match: { messageIncludes: UNPACED_TAG, times: 'forever' },
    },
  ];
}

const SYSTEM_PROMPT = Array.from(
  { length: 24 },
  (_, index) =>
    `Rule ${index + 1}: when you change code, keep the change small, explain why in one sentence, ` +
    'run the tests that cover it, and never invent file paths, APIs or command output.',
).join('\n');

const SOURCE_FILE = Array.from(
  { length: 40 },
  (_, index) =>
    `export function step${index}(input: number): number {\n  return input * ${index + 1} + 7;\n}`,
).join('\n\n');

function tool(name: string, description: string, properties: Record<string, unknown>): unknown {
  return {
    name,
    description,
    input_schema: { type: 'object', properties, required: Object.keys(properties).slice(0, 1) },
  };
}

/**
 * One streaming Messages request (~10 KB): a system prompt, three tools and a finished tool round
 * trip in the history. `TAG_PLACEHOLDER` sits in the last user message.
 */
export function anthropicRequestTemplate(): string {
  return JSON.stringify({
    model: 'claude-sonnet-4-5-20250929',
    max_tokens: 4096,
    stream: true,
    system: [{ type: 'text', text: SYSTEM_PROMPT }],
    tools: [
      tool('Read', 'Reads a file from the local filesystem.', {
        file_path: { type: 'string', description: 'Absolute path of the file' },
        offset: { type: 'number' },
        limit: { type: 'number' },
      }),
      tool('Bash', 'Runs a shell command and returns its output.', {
        command: { type: 'string', description: 'The command to run' },
        timeout: { type: 'number' },
      }),
      tool('Edit', 'Replaces an exact string in a file.', {
        file_path: { type: 'string' },
        old_string: { type: 'string' },
        new_string: { type: 'string' },
      }),
    ],
    messages: [
      { role: 'user', content: 'Please look at src/steps.ts and tell me what it does.' },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: "I'll read the file first." },
          {
            type: 'tool_use',
            id: 'toolu_bench_01',
            name: 'Read',
            input: { file_path: '/repo/src/steps.ts' },
          },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_bench_01', content: SOURCE_FILE },
          { type: 'text', text: `Thanks. Summarise it in a few sentences. ${TAG_PLACEHOLDER}` },
        ],
      },
    ],
  });
}

/** The tag of one request: which script answers, plus a number that keeps the message unique. */
export function requestTag(kind: ReplyKind, sequence: number): string {
  return `${TAGS[kind]} #${sequence}`;
}

/** Deterministic pseudo-random words (xorshift), so every seed gives text the tokenizer has not seen. */
function randomWords(seed: number, bytes: number): string {
  let state = (seed * 2654435761) >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  const parts: string[] = [];
  let size = 0;
  while (size < bytes) {
    const word =
      next() < 0.15 ? String(Math.floor(next() * 100_000)) : WORDS[Math.floor(next() * WORDS.length)]!;
    parts.push(word);
    size += word.length + 1;
  }
  return parts.join(' ');
}

/**
 * `json` with every text of 1 000+ characters replaced by as much new text (seeded), so no token
 * cache knows it; a text holding `TAG_PLACEHOLDER` keeps it in front.
 */
export function freshenLongTexts(json: string, seed: number): string {
  let index = 0;
  return JSON.stringify(JSON.parse(json), (_key, value: unknown) => {
    if (typeof value !== 'string' || value.length < 1000) return value;
    const text = randomWords(seed * 100_000 + index++, value.length);
    return value.includes(TAG_PLACEHOLDER) ? `${TAG_PLACEHOLDER} ${text}` : text;
  });
}

/**
 * A streaming request carrying a `bytes`-sized conversation (turns of ~10 KB of text never sent
 * before, different for every seed), ending in a user turn that holds `TAG_PLACEHOLDER`.
 */
export function largeConversationTemplate(seed: number, bytes: number): string {
  const turnBytes = 10_000;
  const turns = Math.max(1, Math.round(bytes / turnBytes)) | 1;
  const messages = Array.from({ length: turns }, (_, index) => ({
    role: index % 2 === 0 ? 'user' : 'assistant',
    content: `${index === turns - 1 ? `${TAG_PLACEHOLDER} ` : ''}${randomWords(seed * 1000 + index, turnBytes)}`,
  }));
  return JSON.stringify({ model: 'claude-sonnet-4-5-20250929', max_tokens: 1024, stream: true, messages });
}
