// The upstream occasionally repeats a content event verbatim (gotcha 21). A repeat is dropped only
// when it is long and varied enough that a model emitting it twice in a row is implausible, so
// legitimate repeats of short tokens ("ha", "\n", "    ", "----") always pass.

/** Shortest content (UTF-16 units) a dropped repeat may have. */
const MIN_DUPLICATE_LENGTH = 16;
/** Fewest distinct non-whitespace characters a dropped repeat must contain. */
const MIN_DISTINCT_CHARACTERS = 4;

function isVaried(content: string): boolean {
  if (content.length < MIN_DUPLICATE_LENGTH) return false;
  const seen = new Set<string>();
  for (const character of content) {
    if (character.trim().length === 0) continue;
    seen.add(character);
    if (seen.size >= MIN_DISTINCT_CHARACTERS) return true;
  }
  return false;
}

export type ContentEventKey =
  | { type: 'text'; content: string }
  | { type: 'toolUse'; toolUseId: string; name: string | undefined; input: string; stop: boolean };

function keyOf(event: ContentEventKey): string {
  return event.type === 'text'
    ? `t\u0000${event.content}`
    : `u\u0000${event.toolUseId}\u0000${event.name ?? ''}\u0000${event.stop ? 1 : 0}\u0000${event.input}`;
}

/** Remembers the previous content event (text or tool use) and flags an exact repeat of it. */
export class ConsecutiveDuplicateFilter {
  private previous: string | undefined;

  isDuplicate(event: ContentEventKey): boolean {
    const key = keyOf(event);
    const repeated = key === this.previous;
    this.previous = key;
    if (!repeated) return false;
    const payload = event.type === 'text' ? event.content : event.input;
    // A repeated tool event without input carries nothing; dropping it changes no content.
    return event.type === 'toolUse' && payload.length === 0 ? true : isVaried(payload);
  }

  /** Another kind of content (reasoning) came in between: the next event is not consecutive. */
  reset(): void {
    this.previous = undefined;
  }
}
