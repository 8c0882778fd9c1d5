// The simulator and the gateway as child processes from dist/, and what /proc says about them.

import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simulatorBaseUrls } from '../src/simulator/run-simulator-cli.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

export interface Child {
  pid: number;
  url: string;
  /** Messages to and from the child, when it was started with an IPC channel. */
  ipc: ChildProcess | undefined;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

/** Only what the CLI needs: no KIROGATE_*, REFRESH_TOKEN, PORT… from the caller's shell. */
function cleanEnv(home: string): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: home, LOG_LEVEL: 'info', NODE_ENV: 'production' };
}

/** Starts `node dist/cli.js …` and resolves once stdout announces the listening URL. */
function startChild(
  args: string[],
  cwd: string,
  announce: RegExp,
  nodeArgs: string[] = [],
  script = CLI,
  ipc = false,
): Promise<Child> {
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
    cwd,
    env: cleanEnv(cwd),
    stdio: ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  const [out, err] = [child.stdout!, child.stderr!];
  let stderr = '';
  err.setEncoding('utf8');
  // Keep draining (a full pipe would block the child); remember the tail for error messages.
  err.on('data', (text: string) => (stderr = (stderr + text).slice(-4000)));
  return new Promise((resolve, reject) => {
    let stdout = '';
    const onExit = (code: number | null) =>
      reject(new Error(`${args[0] ?? 'gateway'} exited (${code}) before listening:\n${stderr}`));
    child.once('exit', onExit);
    out.setEncoding('utf8');
    out.on('data', (text: string) => {
      stdout += text;
      const match = announce.exec(stdout);
      if (!match?.[1]) return;
      child.off('exit', onExit);
      out.removeAllListeners('data');
      out.resume();
      resolve({
        pid: child.pid!,
        url: match[1],
        ipc: ipc ? child : undefined,
        stop: () => stopChild(child),
      });
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    if (child.connected) child.disconnect();
    child.kill('SIGTERM');
  });
}

/**
 * Idle connections stay open for 2 minutes, like Kiro's AWS front ends rather than Node's 5 s:
 * otherwise the gateway's and the driver's pools reconnect 500 sockets in every c=500 batch.
 */
export function startSimulator(dir: string, nodeArgs: string[] = []): Promise<Child> {
  return startChild(
    ['simulator', '--port', '0', '--keep-alive-timeout', '120000'],
    dir,
    /listening on (http:\/\/\S+)/,
    nodeArgs,
  );
}

/** The floor: a do-nothing Node proxy in front of the simulator (bench/null-proxy.ts). */
export function startNullProxy(dir: string, simulatorUrl: string): Promise<Child> {
  const script = join(import.meta.dirname, 'null-proxy.ts');
  return startChild(
    [simulatorUrl],
    dir,
    /listening on (http:\/\/\S+)/,
    ['--import', import.meta.resolve('tsx')],
    script,
  );
}

/** A gateway with its own data directory, every upstream URL pointing at the simulator. */
export async function startGateway(
  dir: string,
  simulatorUrl: string,
  apiKey: string,
  refreshToken: string,
  nodeArgs: string[] = [],
  ipc = false,
): Promise<Child> {
  await mkdir(dir, { recursive: true });
  const config = {
    host: '127.0.0.1',
    port: 0,
    apiKey,
    dataDir: join(dir, 'data'),
    logLevel: 'info',
    ...simulatorBaseUrls(simulatorUrl),
  };
  const configPath = join(dir, 'config.json');
  const credentialsPath = join(dir, 'credentials.json');
  await writeFile(configPath, JSON.stringify(config, null, 2), { mode: 0o600 });
  await writeFile(credentialsPath, JSON.stringify([{ refreshToken, authMethod: 'social' }]), { mode: 0o600 });
  return startChild(
    ['-c', configPath, '--credentials', credentialsPath],
    dir,
    /kirogate listening on (http:\/\/\S+)/,
    nodeArgs,
    CLI,
    ipc,
  );
}

/** User + system CPU time of a process so far, in milliseconds. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after "(comm)": state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

function statusMb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** Peak resident set size (VmHWM) in MB. */
export const peakRssMb = (pid: number): number => statusMb(pid, 'VmHWM');

/** Resident set size now (VmRSS) in MB. */
export const rssMb = (pid: number): number => statusMb(pid, 'VmRSS');
