// The kirogate CLI as users start it: first run, clear start-up errors, the simulator command, SIGTERM.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { killAllClis, runCli, startCli } from '../helpers/cli-process.js';
import type { CliProcess } from '../helpers/cli-process.js';

const LISTENING = /kirogate listening on (http:\/\/127\.0\.0\.1:\d+)/;
const API_KEY = /sk-kirogate-[A-Za-z0-9_-]{43}/;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kirogate-cli-'));
});
afterEach(async () => {
  await killAllClis();
  await rm(dir, { recursive: true, force: true });
});
afterAll(() => killAllClis());

async function startGateway(args: string[] = [], env: Record<string, string> = {}) {
  const cli = startCli(args, { cwd: dir, env: { PORT: '0', ...env } });
  const [, url] = await cli.waitFor(LISTENING);
  return { cli, url: url! };
}

function expectNoStackTrace(text: string): void {
  expect(text).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  expect(text).not.toMatch(/\b(TypeError|ReferenceError|SyntaxError|ZodError)\b/);
}

describe('first run with no files at all', () => {
  it('generates and saves a strong API key, prints it once, and explains how to add credentials', async () => {
    const first = await startGateway();
    const printed = first.cli.stdout().match(API_KEY)?.[0];
    expect(printed).toBeDefined();
    expect(first.cli.stdout()).toContain('Generated an API key');

    const configPath = join(dir, 'config.json');
    const saved = JSON.parse(await readFile(configPath, 'utf8')) as { apiKey?: string };
    expect(saved.apiKey).toBe(printed);
    expect((await stat(configPath)).mode & 0o777).toBe(0o600);
    // how to add credentials, printed for the person starting it: the file and the env alternatives
    await first.cli.waitFor(/No Kiro credentials yet\. Add an account to .*credentials\.json/);
    expect(first.cli.stdout()).toMatch(/REFRESH_TOKEN .*KIRO_API_KEY or KIRO_AUTH_TOKEN/);

    const health = await fetch(`${first.url}/health`);
    expect(await health.json()).toMatchObject({ status: 'no-credentials' });
    const unauthorised = await fetch(`${first.url}/v1/models`);
    expect(unauthorised.status).toBe(401);
    const models = await fetch(`${first.url}/v1/models`, { headers: { 'x-api-key': printed! } });
    expect(models.status).toBe(200);
    const noAccounts = await fetch(`${first.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': printed!, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'claude-sonnet-4-6',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    });
    // Nothing will free up by itself: a non-retryable 403 that says what to do (issue 14 §3).
    expect(noAccounts.status).toBe(403);
    expect(await noAccounts.text()).toContain('credentials.json');
    expect(await first.cli.stop()).toEqual({ code: 0, signal: null });
    await expect(fetch(`${first.url}/health`)).rejects.toThrow();

    const second = await startGateway();
    expect(second.cli.stdout()).not.toMatch(API_KEY);
    expect(second.cli.stdout()).not.toContain('Generated an API key');
    const again = await fetch(`${second.url}/v1/models`, { headers: { authorization: `Bearer ${printed}` } });
    expect(again.status).toBe(200);
    expect(await second.cli.stop()).toEqual({ code: 0, signal: null });
  });

  it('reads -c / --credentials and the KIROGATE_CONFIG / KIROGATE_CREDENTIALS variables', async () => {
    const configPath = join(dir, 'custom-config.json');
    const credentialsPath = join(dir, 'custom-credentials.json');
    await writeFile(configPath, JSON.stringify({ apiKey: 'sk-flag-0123456789abcdef', port: 0 }));
    await writeFile(credentialsPath, JSON.stringify([{ kiroApiKey: 'ksk_flag', authMethod: 'api_key' }]));

    const byFlags = await startGateway(['-c', configPath, '--credentials', credentialsPath]);
    const health = await fetch(`${byFlags.url}/health`);
    expect(await health.json()).toMatchObject({ accounts: { total: 1 } });
    const models = await fetch(`${byFlags.url}/v1/models`, {
      headers: { 'x-api-key': 'sk-flag-0123456789abcdef' },
    });
    expect(models.status).toBe(200);
    await byFlags.cli.stop();

    const byEnv = await startGateway([], {
      KIROGATE_CONFIG: configPath,
      KIROGATE_CREDENTIALS: credentialsPath,
    });
    expect(await (await fetch(`${byEnv.url}/health`)).json()).toMatchObject({ accounts: { total: 1 } });
    await byEnv.cli.stop();
    // neither run created the default files
    await expect(stat(join(dir, 'config.json'))).rejects.toThrow();
    await expect(stat(join(dir, 'credentials.json'))).rejects.toThrow();
  });
});

describe('an invalid file stops start-up with exit code 1, naming file, field and problem', () => {
  const cases: { name: string; config?: string; credentials?: string; expected: RegExp[] }[] = [
    {
      name: 'config.json with a wrong type',
      config: JSON.stringify({ apiKey: 'sk-0123456789abcdef', port: 'eighty' }),
      expected: [/config\.json/, /port/, /expected/i],
    },
    {
      name: 'config.json that is not JSON',
      config: '{ "apiKey": "sk-0123456789abcdef", }',
      expected: [/config\.json/, /line 1, column \d+/],
    },
    {
      name: 'credentials.json with an IdC entry missing its client',
      credentials: JSON.stringify([{ authMethod: 'idc', refreshToken: 'r'.repeat(120) }]),
      expected: [/credentials\.json/, /\[0\]\.clientId/, /required/],
    },
  ];

  it.each(cases)('$name', async ({ config, credentials, expected }) => {
    await writeFile(join(dir, 'config.json'), config ?? JSON.stringify({ apiKey: 'sk-0123456789abcdef' }));
    if (credentials !== undefined) await writeFile(join(dir, 'credentials.json'), credentials);
    const result = await runCli([], { cwd: dir, env: { PORT: '0' } });
    expect(result.code).toBe(1);
    expect(result.stdout).not.toMatch(/listening/);
    const firstLine = result.stderr.split('\n').find((line) => line.startsWith('kirogate: ')) ?? '';
    for (const pattern of expected) expect(firstLine).toMatch(pattern);
    expectNoStackTrace(result.stderr);
  });

  it('an invalid environment value is reported by its variable name', async () => {
    const result = await runCli([], { cwd: dir, env: { PORT: 'http' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/kirogate: environment: PORT: expected an integer/);
    expectNoStackTrace(result.stderr);
  });

  it('a port already in use is a one-line error too', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const port = String((blocker.address() as AddressInfo).port);
      await writeFile(join(dir, 'config.json'), JSON.stringify({ apiKey: 'sk-0123456789abcdef' }));
      const result = await runCli([], { cwd: dir, env: { PORT: port } });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/kirogate: the listen address is already in use/);
      expectNoStackTrace(result.stderr);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

describe('kirogate simulator', () => {
  it('prints its URL, serves /__sim/health and stops cleanly on SIGTERM', async () => {
    const simulator: CliProcess = startCli(['simulator', '--port', '0', '--host', '127.0.0.1'], {
      cwd: dir,
    });
    const [, url] = await simulator.waitFor(/Kiro simulator listening on (http:\/\/127\.0\.0\.1:\d+)/);
    const health = await fetch(`${url}/__sim/health`);
    expect(await health.json()).toEqual({ ok: true });
    expect(await simulator.stop()).toEqual({ code: 0, signal: null });
    await expect(fetch(`${url}/__sim/health`)).rejects.toThrow();
    expectNoStackTrace(simulator.stderr());
  });
});
