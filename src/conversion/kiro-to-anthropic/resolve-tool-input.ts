// Turns the input fragments of one finished tool call into the JSON text of its arguments.

export type ResolvedToolInput = { ok: true; json: string } | { ok: false };

function asObjectJson(text: string): string | undefined {
  if (text.trim().length === 0) return '{}';
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? text : undefined;
  } catch {
    return undefined;
  }
}

function withoutConsecutiveDuplicates(fragments: readonly string[]): string[] {
  return fragments.filter((fragment, index) => index === 0 || fragment !== fragments[index - 1]);
}

/**
 * The concatenated fragments must be one JSON object ("" means no arguments: `{}`). When they are
 * not, the upstream's known repetitions are tried, in this order, and never anything invented:
 * 1. a fragment repeated back to back (a duplicated event);
 * 2. the fragments before the stop event, when the stop event resent a whole object on its own;
 * 3. the stop event's input alone (a one-shot input after partial fragments).
 * `stopInput` is the input carried by the `stop: true` event ("" if none); it is the last fragment.
 */
export function resolveToolInput(fragments: readonly string[], stopInput: string): ResolvedToolInput {
  const joined = fragments.join('');
  const direct = asObjectJson(joined);
  if (direct !== undefined) return { ok: true, json: direct };
  const candidates: string[] = [];
  if (fragments.length > 1) candidates.push(withoutConsecutiveDuplicates(fragments).join(''));
  if (stopInput.length > 0 && fragments.length > 1 && asObjectJson(stopInput) !== undefined) {
    candidates.push(fragments.slice(0, -1).join(''), stopInput);
  }
  for (const candidate of candidates) {
    if (candidate.trim().length === 0) continue;
    const json = asObjectJson(candidate);
    if (json !== undefined) return { ok: true, json };
  }
  return { ok: false };
}
