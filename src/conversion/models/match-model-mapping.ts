/**
 * Looks a name up in the configured `modelMapping`, case-insensitively. An exact key wins; otherwise the
 * most specific matching `*` pattern (most literal characters; on a tie, the first in the file).
 */
export function matchModelMapping(name: string, modelMapping: Record<string, string>): string | undefined {
  const wanted = name.trim().toLowerCase();
  let best: { value: string; specificity: number } | undefined;
  for (const [key, value] of Object.entries(modelMapping)) {
    const pattern = key.trim().toLowerCase();
    if (!pattern.includes('*')) {
      if (pattern === wanted) return value;
      continue;
    }
    const specificity = pattern.replace(/\*/g, '').length;
    if ((best === undefined || specificity > best.specificity) && wildcardToRegExp(pattern).test(wanted)) {
      best = { value, specificity };
    }
  }
  return best?.value;
}

function wildcardToRegExp(pattern: string): RegExp {
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`);
}
