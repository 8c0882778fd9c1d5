export const LOAD_BALANCING_MODES = ['priority', 'balanced', 'round-robin', 'random', 'quota'] as const;
export type LoadBalancingMode = (typeof LOAD_BALANCING_MODES)[number];

/** What selection may look at: a read-only view of one available, eligible account. */
export interface SelectionCandidate {
  id: number;
  priority: number;
  /** Requests started on this account (balanced = least used). */
  requests: number;
  /** Credits left, when a usage snapshot is known. */
  remainingCredits: number | undefined;
}

export interface SelectionPolicy {
  mode: LoadBalancingMode;
  /** Keep a client session on one account while it stays healthy. */
  sticky: boolean;
}

export interface SelectionInput {
  candidates: readonly SelectionCandidate[];
  policy: SelectionPolicy;
  /** The id round-robin served last. */
  lastRoundRobinId: number | undefined;
  /** The account this session used before, if sticky. */
  stickyId: number | undefined;
  /** Uniform in [0, 1); injected so tests are deterministic. */
  random: () => number;
}

const byPriorityThenId = (a: SelectionCandidate, b: SelectionCandidate): number =>
  a.priority - b.priority || a.id - b.id;

const byLeastUsed = (a: SelectionCandidate, b: SelectionCandidate): number =>
  a.requests - b.requests || byPriorityThenId(a, b);

function pick(sorted: SelectionCandidate[]): SelectionCandidate | undefined {
  return sorted[0];
}

function roundRobin(
  candidates: readonly SelectionCandidate[],
  lastId: number | undefined,
): SelectionCandidate {
  const ordered = [...candidates].sort((a, b) => a.id - b.id);
  if (lastId === undefined) return ordered[0]!;
  return ordered.find((candidate) => candidate.id > lastId) ?? ordered[0]!;
}

function mostRemaining(candidates: readonly SelectionCandidate[]): SelectionCandidate | undefined {
  return pick(
    [...candidates].sort((a, b) => {
      const left = a.remainingCredits ?? -1;
      const right = b.remainingCredits ?? -1;
      return right - left || byLeastUsed(a, b);
    }),
  );
}

/**
 * Chooses the account for one request. Pure: the same pool state, policy and random draw always
 * give the same answer. Candidates are already filtered to available accounts allowed the model.
 *
 * - priority: lowest `priority`, then lowest id; fail over in that order.
 * - balanced: fewest requests started, then priority.
 * - round-robin: the next id after the last one served, wrapping.
 * - random: uniform.
 * - quota: most remaining credits (unknown counts as none), then fewest requests.
 * - sticky (combinable): the session's previous account while it is a candidate.
 */
export function selectCredential(input: SelectionInput): SelectionCandidate | undefined {
  const { candidates, policy } = input;
  if (candidates.length === 0) return undefined;
  if (policy.sticky && input.stickyId !== undefined) {
    const previous = candidates.find((candidate) => candidate.id === input.stickyId);
    if (previous) return previous;
  }
  switch (policy.mode) {
    case 'priority':
      return pick([...candidates].sort(byPriorityThenId));
    case 'balanced':
      return pick([...candidates].sort(byLeastUsed));
    case 'round-robin':
      return roundRobin(candidates, input.lastRoundRobinId);
    case 'random':
      return candidates[Math.min(candidates.length - 1, Math.floor(input.random() * candidates.length))];
    case 'quota':
      return mostRemaining(candidates);
  }
}
