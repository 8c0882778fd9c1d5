// Runs the kirogate CLI as a child process from source (tsx), for start-up and shutdown tests.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const CLI_SOURCE = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
/** Resolved from this repository, so the child finds tsx whatever its working directory. */
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface CliExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match in stdout + stderr; rejects if the process exits first or on timeout. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<CliExit>;
  /** Sends the signal (default SIGTERM) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<CliExit>;
}

export interface CliOptions {
  cwd: string;
  /** The whole environment of the child besides PATH; HOME defaults to `cwd` (a fake home). */
  env?: Record<string, string>;
}

const running = new Set<ChildProcess>();

export function startCli(args: string[], options: CliOptions): CliProcess {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, CLI_SOURCE, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: options.cwd, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  const notify = () => listeners.forEach((listener) => listener());
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
    notify();
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
    notify();
  });
  // 'close', not 'exit': it comes after the last output has been read from the pipes
  const exited = new Promise<CliExit>((resolve) => {
    child.on('close', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
      setImmediate(notify);
    });
  });
  let hasExited = false;
  void exited.then(() => (hasExited = true));

  const waitFor = (pattern: RegExp, timeoutMs = 15_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const match = (stdout + stderr).match(pattern);
        if (match) finish(() => resolve(match));
        else if (hasExited)
          finish(() => reject(new Error(`CLI exited before printing ${pattern}:\n${stdout}\n${stderr}`)));
      };
      const timer = setTimeout(
        () => finish(() => reject(new Error(`timed out waiting for ${pattern}:\n${stdout}\n${stderr}`))),
        timeoutMs,
      );
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        listeners.delete(check);
        settle();
      };
      listeners.add(check);
      check();
    });

  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    waitFor,
    exited,
    stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (!hasExited) child.kill(signal);
      return exited;
    },
  };
}

/** Runs the CLI to completion (start-up failures). */
export async function runCli(
  args: string[],
  options: CliOptions,
): Promise<CliExit & { stdout: string; stderr: string }> {
  const cli = startCli(args, options);
  const exit = await cli.exited;
  return { ...exit, stdout: cli.stdout(), stderr: cli.stderr() };
}

/** Kills every child still running (afterAll safety net). */
export async function killAllClis(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once('close', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}
