// The gateway's tokenizer thread. It owns the WASM tokenizer, so the main thread never loads it, and
// counts in slices of about SLICE_CHARACTERS (a few milliseconds each), always continuing the job
// with the least text left: a short count (a stream's output) never waits behind a long one.
import { parentPort } from 'node:worker_threads';
import { countNormalizedTokens, sliceEnd } from './claude-tokenizer.js';

export interface CountJobMessage {
  id: number;
  texts: string[];
}

export type CountReplyMessage = { id: number; counts: number[] } | { id: number; error: string };

/** ~5 ms of encoding at ~300 ms per MB. */
const SLICE_CHARACTERS = 16 * 1024;

interface Job {
  id: number;
  texts: string[];
  counts: number[];
  /** Index of the text being counted, its normalised form and the offset reached in it. */
  index: number;
  normalized: string | undefined;
  offset: number;
  remaining: number;
}

const jobs: Job[] = [];
let scheduled = false;

function schedule(): void {
  if (scheduled || jobs.length === 0) return;
  scheduled = true;
  // setImmediate, not a loop: messages that arrived meanwhile are queued before the next slice.
  setImmediate(step);
}

/** Counts up to SLICE_CHARACTERS of `job`; true when the job is done. */
function advance(job: Job): boolean {
  let budget = SLICE_CHARACTERS;
  while (budget > 0 && job.index < job.texts.length) {
    const text = job.texts[job.index]!;
    job.normalized ??= text.normalize('NFKC');
    const end = sliceEnd(job.normalized, job.offset, budget);
    job.counts[job.index]! += countNormalizedTokens(job.normalized.slice(job.offset, end));
    budget -= end - job.offset;
    job.offset = end;
    if (end >= job.normalized.length) {
      job.remaining -= text.length;
      job.index += 1;
      job.normalized = undefined;
      job.offset = 0;
    }
  }
  return job.index >= job.texts.length;
}

function step(): void {
  scheduled = false;
  let job = jobs[0]!;
  for (const other of jobs) if (other.remaining - other.offset < job.remaining - job.offset) job = other;
  let reply: CountReplyMessage | undefined;
  try {
    if (advance(job)) reply = { id: job.id, counts: job.counts };
  } catch (error) {
    reply = { id: job.id, error: (error as Error).message };
  }
  if (reply !== undefined) {
    jobs.splice(jobs.indexOf(job), 1);
    parentPort!.postMessage(reply);
  }
  schedule();
}

parentPort!.on('message', (message: CountJobMessage) => {
  const remaining = message.texts.reduce((sum, text) => sum + text.length, 0);
  jobs.push({
    ...message,
    counts: message.texts.map(() => 0),
    index: 0,
    normalized: undefined,
    offset: 0,
    remaining,
  });
  schedule();
});
