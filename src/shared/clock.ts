import { randomUUID } from 'node:crypto';

/** Time source, injected everywhere so tests can move it. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  constructor(private current = Date.UTC(2026, 0, 1)) {}
  now(): number {
    return this.current;
  }
  set(ms: number): void {
    this.current = ms;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

/** Id source, injected into converters so their output is deterministic under test. */
export type IdGenerator = () => string;

export const randomId: IdGenerator = () => randomUUID();

/** Deterministic ids for tests: `00000000-0000-4000-8000-000000000001`, ...02, ... */
export function sequentialIds(): IdGenerator {
  let next = 0;
  return () => `00000000-0000-4000-8000-${(++next).toString(16).padStart(12, '0')}`;
}
