import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { rootCertificates } from 'node:tls';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../shared/errors.js';
import type { DispatcherOptions } from './http-dispatchers.js';
import { HttpDispatchers, buildCaList } from './http-dispatchers.js';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kirogate-ca-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const options = (fields: Partial<DispatcherOptions> = {}): DispatcherOptions => ({
  tlsBackend: 'rustls',
  caCertificates: [],
  extraCaCertsFile: undefined,
  globalProxy: undefined,
  ...fields,
});

/** Any real PEM will do: the list is handed to TLS as is. */
const PEM = rootCertificates[0]!;
const SYSTEM_BUNDLE_PRESENT = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/cert.pem',
].some((file) => existsSync(file));

describe('buildCaList', () => {
  it("leaves Node's defaults alone when nothing is configured (NODE_EXTRA_CA_CERTS then works by itself)", () => {
    expect(buildCaList(options())).toBeUndefined();
    expect(buildCaList(options({ extraCaCertsFile: '/does/not/matter.pem' }))).toBeUndefined();
  });

  it('adds caCertificates to the bundled roots, and NODE_EXTRA_CA_CERTS, which Node would otherwise drop', async () => {
    const corporate = path.join(dir, 'corporate.pem');
    const extra = path.join(dir, 'extra.pem');
    await fs.writeFile(corporate, PEM);
    await fs.writeFile(extra, `${PEM}\n`);
    expect(buildCaList(options({ caCertificates: [corporate] }))).toEqual([...rootCertificates, PEM]);
    expect(buildCaList(options({ caCertificates: [corporate], extraCaCertsFile: extra }))).toEqual([
      ...rootCertificates,
      PEM,
      `${PEM}\n`,
    ]);
  });

  it('a missing CA file is a ConfigError naming the field and the path', () => {
    const missing = path.join(dir, 'missing.pem');
    expect(() => buildCaList(options({ caCertificates: [missing] }))).toThrow(ConfigError);
    expect(() => buildCaList(options({ caCertificates: [missing] }))).toThrow(
      /^config\.json caCertificates: cannot read CA file .*missing\.pem/,
    );
  });

  it.runIf(SYSTEM_BUNDLE_PRESENT)('native-tls also trusts the operating system bundle', () => {
    const list = buildCaList(options({ tlsBackend: 'native-tls' }));
    expect(list?.length).toBe(rootCertificates.length + 1);
    expect(list?.at(-1)).toContain('BEGIN CERTIFICATE');
  });
});

describe('HttpDispatchers', () => {
  it('shares one dispatcher per proxy setting; `direct` and unset both bypass when there is no global proxy', async () => {
    const dispatchers = new HttpDispatchers(options());
    try {
      expect(dispatchers.for(undefined)).toBe(dispatchers.for('direct'));
      const proxied = dispatchers.for({ url: 'http://127.0.0.1:9', username: 'u', password: 'p' });
      expect(proxied).toBe(dispatchers.for({ url: 'http://127.0.0.1:9', username: 'u', password: 'p' }));
      expect(proxied).not.toBe(dispatchers.for({ url: 'http://127.0.0.1:9', username: 'u', password: 'q' }));
      expect(proxied).not.toBe(dispatchers.for(undefined));
    } finally {
      await dispatchers.close();
    }
  });

  it('unset inherits the global proxy; `direct` opts out of it', async () => {
    const globalProxy = { url: 'socks5://127.0.0.1:9' };
    const dispatchers = new HttpDispatchers(options({ globalProxy }));
    try {
      expect(dispatchers.for(undefined)).toBe(dispatchers.for(globalProxy));
      expect(dispatchers.for('direct')).not.toBe(dispatchers.for(undefined));
    } finally {
      await dispatchers.close();
    }
  });

  it('refuses a proxy scheme it cannot speak, naming proxyUrl', () => {
    const dispatchers = new HttpDispatchers(options());
    expect(() => dispatchers.for({ url: 'socks4://127.0.0.1:9' })).toThrow(/proxyUrl.*socks4:/);
  });
});
