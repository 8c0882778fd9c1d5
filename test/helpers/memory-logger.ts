// A real pino logger (same redaction as production) that writes JSON lines to memory.
import { createLogger } from '../../src/shared/logger.js';
import type { Logger } from '../../src/shared/logger.js';

export interface LogRecord {
  level: number;
  msg?: string;
  [key: string]: unknown;
}

export interface MemoryLogger {
  logger: Logger;
  records(): LogRecord[];
  /** The raw text written, to check that no secret leaked into any line. */
  text(): string;
}

export const LOG_LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;

export function createMemoryLogger(level = 'debug'): MemoryLogger {
  const lines: string[] = [];
  const logger = createLogger({ level, destination: { write: (line: string) => lines.push(line) } });
  return {
    logger,
    records: () => lines.map((line) => JSON.parse(line) as LogRecord),
    text: () => lines.join(''),
  };
}
