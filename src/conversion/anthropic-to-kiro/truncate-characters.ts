/** Number of Unicode code points (what the upstream's "characters" limits count). */
export function countCharacters(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

/** The first `max` code points; never splits a surrogate pair, so the result is always valid UTF-8. */
export function truncateCharacters(text: string, max: number): string {
  if (text.length <= max) return text;
  let count = 0;
  let end = 0;
  for (const character of text) {
    if (count === max) break;
    count += 1;
    end += character.length;
  }
  return text.slice(0, end);
}
