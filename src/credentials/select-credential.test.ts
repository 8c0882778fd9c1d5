import { describe, expect, it } from 'vitest';
import type { SelectionCandidate, SelectionInput } from './select-credential.js';
import { selectCredential } from './select-credential.js';

const candidates: SelectionCandidate[] = [
  { id: 1, priority: 2, requests: 5, remainingCredits: 10 },
  { id: 2, priority: 0, requests: 9, remainingCredits: undefined },
  { id: 3, priority: 1, requests: 1, remainingCredits: 500 },
  { id: 4, priority: 0, requests: 1, remainingCredits: 50 },
];

function input(overrides: Partial<SelectionInput>): SelectionInput {
  return {
    candidates,
    policy: { mode: 'priority', sticky: false },
    lastRoundRobinId: undefined,
    stickyId: undefined,
    random: () => 0,
    ...overrides,
  };
}

describe('selectCredential', () => {
  it('priority: lowest priority number, then lowest id', () => {
    expect(selectCredential(input({}))?.id).toBe(2);
  });

  it('balanced: fewest requests, ties by priority', () => {
    expect(selectCredential(input({ policy: { mode: 'balanced', sticky: false } }))?.id).toBe(4);
  });

  it('round-robin: the next id after the last served, wrapping', () => {
    const policy = { mode: 'round-robin' as const, sticky: false };
    expect(selectCredential(input({ policy }))?.id).toBe(1);
    expect(selectCredential(input({ policy, lastRoundRobinId: 2 }))?.id).toBe(3);
    expect(selectCredential(input({ policy, lastRoundRobinId: 4 }))?.id).toBe(1);
  });

  it('random: driven by the injected draw', () => {
    const policy = { mode: 'random' as const, sticky: false };
    expect(selectCredential(input({ policy, random: () => 0 }))?.id).toBe(1);
    expect(selectCredential(input({ policy, random: () => 0.99 }))?.id).toBe(4);
  });

  it('quota: most remaining credits; unknown counts as none', () => {
    expect(selectCredential(input({ policy: { mode: 'quota', sticky: false } }))?.id).toBe(3);
  });

  it('sticky keeps the previous account while it is a candidate, else falls back to the mode', () => {
    const policy = { mode: 'balanced' as const, sticky: true };
    expect(selectCredential(input({ policy, stickyId: 1 }))?.id).toBe(1);
    expect(selectCredential(input({ policy, stickyId: 99 }))?.id).toBe(4);
  });

  it('returns undefined when nothing is available', () => {
    expect(selectCredential(input({ candidates: [] }))).toBeUndefined();
  });
});
