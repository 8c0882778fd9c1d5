// Test helper: parses a text/event-stream body into messages, whatever the chunking.

export interface SseMessage {
  event: string;
  /** The data parsed as JSON, or the raw text when it is not JSON. */
  data: unknown;
}

function parseData(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Incremental parser: feed chunks split anywhere (even inside "\r\n"), then call `end()`. */
export class SseParser {
  private pending = '';
  private event = '';
  private data: string[] = [];
  private lastWasCarriageReturn = false;

  push(chunk: string): SseMessage[] {
    const out: SseMessage[] = [];
    let text = chunk;
    // A "\n" right after a "\r" that ended the previous chunk belongs to that line break.
    if (this.lastWasCarriageReturn && text.startsWith('\n')) text = text.slice(1);
    this.lastWasCarriageReturn = text.endsWith('\r');
    this.pending += text;
    const lines = this.pending.split(/\r\n|\r|\n/);
    this.pending = lines.pop() ?? '';
    for (const line of lines) this.line(line, out);
    return out;
  }

  /** End of the body: a final message without its blank line is still dispatched. */
  end(): SseMessage[] {
    const out: SseMessage[] = [];
    if (this.pending.length > 0) this.line(this.pending, out);
    this.pending = '';
    this.line('', out);
    return out;
  }

  private line(line: string, out: SseMessage[]): void {
    if (line === '') {
      if (this.data.length > 0)
        out.push({ event: this.event || 'message', data: parseData(this.data.join('\n')) });
      this.event = '';
      this.data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
  }
}

/** Parses a whole body, given as one string or as the chunks it arrived in. */
export function parseSse(body: string | Iterable<string>): SseMessage[] {
  const parser = new SseParser();
  const chunks = typeof body === 'string' ? [body] : body;
  const out: SseMessage[] = [];
  for (const chunk of chunks) out.push(...parser.push(chunk));
  out.push(...parser.end());
  return out;
}
