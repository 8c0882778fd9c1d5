import pino from 'pino';
import type { Logger } from 'pino';

export type { Logger };

/** Every key that can carry a secret, at any depth we log. */
export const REDACTED_PATHS = [
  'apiKey',
  'adminApiKey',
  'accessToken',
  'refreshToken',
  'clientSecret',
  'kiroApiKey',
  'proxyPassword',
  'authorization',
  'password',
  '*.apiKey',
  '*.adminApiKey',
  '*.accessToken',
  '*.refreshToken',
  '*.clientSecret',
  '*.kiroApiKey',
  '*.proxyPassword',
  '*.authorization',
  '*.password',
  'headers.authorization',
  'headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
];

export interface LoggerOptions {
  level?: string;
  /** Defaults to stderr, so stdout stays free for the CLI's own output. */
  destination?: pino.DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: undefined,
    },
    options.destination ?? pino.destination({ fd: 2, sync: false }),
  );
}

/** A logger that drops everything; the default in unit tests. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
