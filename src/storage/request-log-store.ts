import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';

export interface RequestLogEntry {
  at: number;
  requestId: string;
  endpoint: string;
  model: string | undefined;
  kiroModel: string | undefined;
  credentialId: number | undefined;
  stream: boolean;
  status: number;
  latencyMs: number;
  firstByteMs: number | undefined;
  inputTokens: number | undefined;
  outputTokens: number | undefined;
  credits: number | undefined;
  errorType: string | undefined;
  errorMessage: string | undefined;
}

interface RequestLogRow {
  at: number;
  request_id: string;
  endpoint: string;
  model: string | null;
  kiro_model: string | null;
  credential_id: number | null;
  stream: number;
  status: number;
  latency_ms: number;
  first_byte_ms: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  credits: number | null;
  error_type: string | null;
  error_message: string | null;
}

const undef = <T>(value: T | null): T | undefined => (value === null ? undefined : value);

/** The last N requests (default 1000), written in batches off the stream path. */
export class RequestLogStore {
  private pending: RequestLogEntry[] = [];
  private flushScheduled = false;
  private closed = false;
  private readonly insert: Statement;
  private readonly trim: Statement;
  private readonly recentStatement: Statement<[number], RequestLogRow>;

  constructor(
    private readonly db: SqliteDatabase,
    private capacity: number,
  ) {
    this.insert = db.prepare(`
      INSERT INTO request_log (at, request_id, endpoint, model, kiro_model, credential_id, stream, status,
        latency_ms, first_byte_ms, input_tokens, output_tokens, credits, error_type, error_message)
      VALUES (@at, @requestId, @endpoint, @model, @kiroModel, @credentialId, @stream, @status, @latencyMs,
        @firstByteMs, @inputTokens, @outputTokens, @credits, @errorType, @errorMessage)`);
    this.trim = db.prepare('DELETE FROM request_log WHERE id <= (SELECT MAX(id) FROM request_log) - ?');
    this.recentStatement = db.prepare('SELECT * FROM request_log ORDER BY id DESC LIMIT ?');
  }

  setCapacity(capacity: number): void {
    this.capacity = capacity;
  }

  append(entry: RequestLogEntry): void {
    if (this.closed) return;
    this.pending.push(entry);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  flush(): void {
    this.flushScheduled = false;
    if (this.closed || this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.db.transaction(() => {
      for (const entry of batch) {
        this.insert.run({
          ...entry,
          model: entry.model ?? null,
          kiroModel: entry.kiroModel ?? null,
          credentialId: entry.credentialId ?? null,
          stream: entry.stream ? 1 : 0,
          firstByteMs: entry.firstByteMs ?? null,
          inputTokens: entry.inputTokens ?? null,
          outputTokens: entry.outputTokens ?? null,
          credits: entry.credits ?? null,
          errorType: entry.errorType ?? null,
          errorMessage: entry.errorMessage ?? null,
        });
      }
      this.trim.run(this.capacity);
    })();
  }

  /** Writes what is pending and stops writing (shutdown); later appends are dropped. */
  close(): void {
    this.flush();
    this.closed = true;
    this.pending = [];
  }

  /** Newest first. */
  recent(limit: number): RequestLogEntry[] {
    this.flush();
    return this.recentStatement.all(limit).map((row) => ({
      at: row.at,
      requestId: row.request_id,
      endpoint: row.endpoint,
      model: undef(row.model),
      kiroModel: undef(row.kiro_model),
      credentialId: undef(row.credential_id),
      stream: row.stream === 1,
      status: row.status,
      latencyMs: row.latency_ms,
      firstByteMs: undef(row.first_byte_ms),
      inputTokens: undef(row.input_tokens),
      outputTokens: undef(row.output_tokens),
      credits: undef(row.credits),
      errorType: undef(row.error_type),
      errorMessage: undef(row.error_message),
    }));
  }
}
