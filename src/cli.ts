#!/usr/bin/env node
import { homedir } from 'node:os';
import { parseArgs } from 'node:util';
import { runGateway } from './gateway/run-gateway.js';
import { ConfigError } from './shared/errors.js';
import { createLogger } from './shared/logger.js';
import type { Logger } from './shared/logger.js';

const USAGE = `kirogate: Anthropic Messages API gateway for Claude through Kiro accounts

Usage:
  kirogate [-c|--config config.json] [--credentials credentials.json]
  kirogate simulator [--port 8990] [--host 127.0.0.1] [--keep-alive-timeout ms]
  kirogate demo

Environment: KIROGATE_CONFIG, KIROGATE_CREDENTIALS, HOST, PORT, API_KEY, REGION, REFRESH_TOKEN,
KIRO_AUTH_TOKEN, KIRO_API_KEY, DATA_DIR, LOG_LEVEL … (see README)
`;

function onSignals(stop: () => Promise<void>, logger: Logger): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'shutting down');
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => handler('SIGINT'));
  process.once('SIGTERM', () => handler('SIGTERM'));
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      credentials: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'keep-alive-timeout': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const logger = createLogger({ level: process.env.LOG_LEVEL?.toLowerCase() ?? 'info' });
  const command = positionals[0] ?? 'serve';
  if (command === 'simulator') {
    const { runSimulatorCli } = await import('./simulator/run-simulator-cli.js');
    const handle = await runSimulatorCli({
      port: values.port === undefined ? 8990 : Number(values.port),
      host: values.host ?? '127.0.0.1',
      logger,
      stdout: process.stdout,
      ...(values['keep-alive-timeout'] === undefined
        ? {}
        : { simulator: { keepAliveTimeoutMs: Number(values['keep-alive-timeout']) } }),
    });
    onSignals(() => handle.close(), logger);
    return;
  }
  if (command === 'demo') {
    const { runDemo } = await import('./demo/run-demo.js');
    const demo = await runDemo({ logger, stdout: process.stdout });
    onSignals(() => demo.stop(), logger);
    return;
  }
  if (command !== 'serve')
    throw new ConfigError('command line', [`unknown command "${command}"; see kirogate --help`]);
  const running = await runGateway({
    ...(values.config ? { configPath: values.config } : {}),
    ...(values.credentials ? { credentialsPath: values.credentials } : {}),
    ...(values.port ? { port: Number(values.port) } : {}),
    env: process.env,
    cwd: process.cwd(),
    homeDir: homedir(),
    logger,
    stdout: process.stdout,
  });
  process.stdout.write(`kirogate listening on ${running.url}\n`);
  onSignals(() => running.stop(), logger);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  // Start-up problems are the user's to fix: say what and where, never a stack trace.
  const code = (error as { code?: unknown }).code;
  const message =
    code === 'EADDRINUSE'
      ? `the listen address is already in use (${(error as Error).message})`
      : error instanceof Error
        ? error.message
        : String(error);
  process.stderr.write(`kirogate: ${message}\n`);
  process.exit(1);
});
