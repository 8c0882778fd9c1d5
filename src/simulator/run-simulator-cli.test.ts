import { describe, expect, it } from 'vitest';
import { createSilentLogger } from '../shared/logger.js';
import { runSimulatorCli } from './run-simulator-cli.js';

describe('runSimulatorCli', () => {
  it('starts the simulator, prints its URL and the control routes, and closes', async () => {
    let printed = '';
    const handle = await runSimulatorCli({
      port: 0,
      host: '127.0.0.1',
      logger: createSilentLogger(),
      stdout: { write: (text: string) => (printed += text) },
      simulator: { accounts: [{ authMethod: 'social', id: 'demo' }] },
    });
    try {
      expect(handle.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(printed).toContain(`Kiro simulator listening on ${handle.url}`);
      expect(printed).toContain(`runtimeBaseUrl=${handle.url}/runtime`);
      expect(printed).toContain('/__sim/scripts');
      const health = await fetch(`${handle.url}/__sim/health`);
      expect(await health.json()).toEqual({ ok: true });
      expect(handle.simulator.account('demo').authMethod).toBe('social');
    } finally {
      await handle.close();
    }
    await expect(fetch(`${handle.url}/__sim/health`)).rejects.toThrow();
  });
});
