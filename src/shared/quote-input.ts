/** Longest piece of client input an error message or log line repeats. */
export const MAX_QUOTED_CHARACTERS = 200;

/**
 * `text` cut to `max` characters (never inside a surrogate pair) with "…" appended when cut, so an
 * error body or log line stays small however long the input was. Not JSON-quoted: callers decide.
 */
export function quoteInput(text: string, max: number = MAX_QUOTED_CHARACTERS): string {
  if (text.length <= max) return text;
  let end = max;
  if ((text.charCodeAt(end - 1) & 0xfc00) === 0xd800) end -= 1;
  return `${text.slice(0, end)}…`;
}
