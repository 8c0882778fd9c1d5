import type { ToolCallFailure } from './tool-call-accumulator.js';

// Texts the gateway adds to a reply (README "Errors": the only ones). Both the user and the model
// read them: the model sees them in its own previous turn, so they say what happened and what to do next.

/** Content added to a reply that has only thinking, so the turn never ends without a text block (gotcha 19). */
export const THINKING_ONLY_PLACEHOLDER = ' ';

const RETRY_ADVICE =
  'Next step: redo it in smaller pieces. Keep each tool call under about 150 lines (~7 KB) of arguments; ' +
  'for a large file, Write the first part, then append the remaining parts with further Edit calls of the same size.';

/** Best effort: the file a Write/Edit call was about, read from its partial JSON. */
function targetPath(received: string): string | undefined {
  const match = /"(?:file_path|filePath|path)"\s*:\s*"((?:[^"\\]|\\.){1,500})"/.exec(received);
  if (match?.[1] === undefined) return undefined;
  try {
    return JSON.parse(`"${match[1]}"`) as string;
  } catch {
    return undefined;
  }
}

function describe(failure: ToolCallFailure, displayName: string | undefined): string {
  const bytes = Buffer.byteLength(failure.received, 'utf8');
  const path = targetPath(failure.received);
  const subject =
    displayName === undefined ? `a tool call (id ${failure.id})` : `the \`${displayName}\` tool call`;
  const target = path === undefined ? '' : ` (file_path: ${path})`;
  switch (failure.reason) {
    case 'truncated':
      return `${subject}${target} was cut off by the upstream after ${bytes} bytes of arguments, before its input was complete`;
    case 'invalid-json':
      return `${subject}${target} ended with ${bytes} bytes of arguments that are not valid JSON`;
    case 'missing-name':
      return `${subject} arrived without a tool name`;
  }
}

/**
 * One text block for every tool call that was dropped. `displayName` maps the upstream name to the
 * client's original one.
 */
export function formatToolCallNotice(
  failures: readonly ToolCallFailure[],
  displayName: (name: string | undefined) => string | undefined,
): string {
  const lines = failures.map((failure) => describe(failure, displayName(failure.name)));
  const advice = failures.some((failure) => failure.reason !== 'missing-name') ? `\n${RETRY_ADVICE}` : '';
  if (lines.length === 1) {
    const [line = ''] = lines;
    return `[kirogate] Not run: ${line}, so it was not executed and nothing changed.${advice}`;
  }
  const list = lines.map((line) => `- ${line}.`).join('\n');
  return `[kirogate] ${lines.length} tool calls were not run, so nothing changed:\n${list}${advice}`;
}
