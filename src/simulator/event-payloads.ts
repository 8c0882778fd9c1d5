// Compact event payloads. Key order follows §4.5 so every prefix scanner (AIClient, kiro-gateway)
// finds its first key: JSON.stringify keeps insertion order.

export function textPayload(content: string): string {
  return JSON.stringify({ content });
}

export function toolStartPayload(name: string, toolUseId: string): string {
  return JSON.stringify({ name, toolUseId });
}

export function toolInputPayload(input: string, name: string, toolUseId: string): string {
  return JSON.stringify({ input, name, toolUseId });
}

export function toolStopPayload(name: string, toolUseId: string): string {
  return JSON.stringify({ stop: true, name, toolUseId });
}

export function meteringPayload(usage: number): string {
  return JSON.stringify({ usage, unit: 'credit', unitPlural: 'credits' });
}

export function contextUsagePayload(percentage: number): string {
  return JSON.stringify({ contextUsagePercentage: percentage });
}

export function exceptionPayload(message: string, reason?: string): string {
  return JSON.stringify(reason === undefined ? { message } : { message, reason });
}

const EXCEPTION_MESSAGES: Record<string, string> = {
  ContentLengthExceededException: 'Input is too long.',
  ThrottlingException: 'Too many requests, please wait before trying again.',
  InternalServerException: 'Encountered an unexpected error when processing the request, please try again.',
  ValidationException: 'Improperly formed request.',
};

export function defaultExceptionMessage(exceptionType: string): string {
  return EXCEPTION_MESSAGES[exceptionType] ?? exceptionType;
}

/** Cuts text into chunks of at most `size` code points, preferring to break after a space. */
export function chunkText(text: string, size = 24): string[] {
  const points = [...text];
  const chunks: string[] = [];
  let start = 0;
  while (start < points.length) {
    let end = Math.min(points.length, start + size);
    if (end < points.length) {
      const space = points.lastIndexOf(' ', end - 1);
      if (space >= start + size / 2) end = space + 1;
    }
    chunks.push(points.slice(start, end).join(''));
    start = end;
  }
  return chunks;
}

/** Cuts text into `count` nearly equal pieces (by code point), none empty unless the text is. */
export function splitEvenly(text: string, count: number): string[] {
  const points = [...text];
  const pieces = Math.max(1, Math.min(count, points.length));
  const out: string[] = [];
  for (let index = 0; index < pieces; index++) {
    const from = Math.floor((index * points.length) / pieces);
    const to = Math.floor(((index + 1) * points.length) / pieces);
    out.push(points.slice(from, to).join(''));
  }
  return out;
}

/** The longest prefix of `text` that fits in `bytes` UTF-8 bytes, never splitting a character. */
export function utf8Prefix(text: string, bytes: number): string {
  let used = 0;
  let out = '';
  for (const point of text) {
    const size = Buffer.byteLength(point);
    if (used + size > bytes) break;
    used += size;
    out += point;
  }
  return out;
}
