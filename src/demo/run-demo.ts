import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { request } from 'undici';
import { generateApiKey } from '../config/load-config.js';
import type { RunningGateway } from '../gateway/run-gateway.js';
import { runGateway } from '../gateway/run-gateway.js';
import type { Logger } from '../shared/logger.js';
import { KiroSimulator } from '../simulator/kiro-simulator.js';
import { simulatorBaseUrls } from '../simulator/run-simulator-cli.js';

export interface DemoOptions {
  logger: Logger;
  stdout: Writable;
  /** Preferred gateway port (falls back to a free one). */
  port?: number;
  /** Stream one answer right away (default true). */
  sendSampleRequest?: boolean;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** Streams one answer through the gateway and prints the text as it arrives. */
async function streamSample(url: string, apiKey: string, out: Writable): Promise<void> {
  const response = await request(`${url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': apiKey, 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({
      model: 'claude-sonnet-4-5',
      max_tokens: 512,
      stream: true,
      messages: [{ role: 'user', content: 'Say hello to a new kirogate user.' }],
    }),
  });
  out.write('\nA streamed answer, straight from the gateway:\n\n  ');
  let buffer = '';
  for await (const chunk of response.body) {
    buffer += (chunk as Buffer).toString('utf8');
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = frame.split('\n').find((line) => line.startsWith('data: '));
      if (!data) continue;
      const event = JSON.parse(data.slice(6)) as { type: string; delta?: { type: string; text?: string } };
      if (event.delta?.type === 'text_delta') out.write(event.delta.text ?? '');
    }
  }
  out.write('\n');
}

/**
 * `npm run demo`: a Kiro simulator and a gateway wired to it with a fresh demo account, all on
 * loopback and offline. Prints a curl command and the Claude Code environment line.
 */
export async function runDemo(
  options: DemoOptions,
): Promise<{ url: string; apiKey: string; stop(): Promise<void> }> {
  const simulator = await KiroSimulator.start({
    chunkDelayMs: 40,
    logger: options.logger.child({}, { level: 'warn' }),
  });
  const account = simulator.addAccount({ authMethod: 'social', email: 'demo@example.com' });
  const dir = await mkdtemp(join(tmpdir(), 'kirogate-demo-'));
  const apiKey = generateApiKey();
  const configPath = join(dir, 'config.json');
  const credentialsPath = join(dir, 'credentials.json');
  const sim = simulator.url;
  const config = {
    apiKey,
    ...simulatorBaseUrls(sim),
    dataDir: join(dir, 'data'),
    logLevel: 'warn',
  };
  await writeFile(configPath, JSON.stringify(config, null, 2), { mode: 0o600 });
  await writeFile(
    credentialsPath,
    JSON.stringify([{ refreshToken: account.refreshToken, authMethod: 'social' }], null, 2),
    {
      mode: 0o600,
    },
  );
  const preferred = options.port ?? 8080;
  let running: RunningGateway;
  try {
    running = await runGateway({
      configPath,
      credentialsPath,
      env: {},
      cwd: dir,
      homeDir: dir,
      logger: options.logger,
      stdout: options.stdout,
      port: (await portIsFree(preferred)) ? preferred : 0,
      hotReload: false,
    });
  } catch (error) {
    await simulator.close();
    throw error;
  }
  const url = running.url;
  options.stdout.write(
    [
      '',
      `kirogate demo: gateway ${url}  →  Kiro simulator ${sim} (offline, one demo account)`,
      '',
      'Try it with curl:',
      '',
      `  curl -N ${url}/v1/messages -H 'x-api-key: ${apiKey}' -H 'content-type: application/json' \\`,
      `    -d '{"model":"claude-sonnet-4-5","max_tokens":256,"stream":true,"messages":[{"role":"user","content":"Hello"}]}'`,
      '',
      'Or point Claude Code at it:',
      '',
      `  ANTHROPIC_BASE_URL=${url} ANTHROPIC_API_KEY=${apiKey} claude`,
      '',
    ].join('\n'),
  );
  if (options.sendSampleRequest !== false) await streamSample(url, apiKey, options.stdout);
  options.stdout.write('\nPress Ctrl+C to stop.\n');
  return {
    url,
    apiKey,
    async stop() {
      await running.stop();
      await simulator.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
