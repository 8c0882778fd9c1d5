import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { Agent, ProxyAgent, Socks5ProxyAgent } from 'undici';
import type { Dispatcher } from 'undici';
import type { ProxySetting } from './credential.js';
import { ConfigError } from '../shared/errors.js';

export interface DispatcherOptions {
  /** `native-tls` (kiro.rs) also trusts the operating system's CA bundle. */
  tlsBackend: 'rustls' | 'native-tls';
  /** Extra PEM files to trust. */
  caCertificates: string[];
  /** NODE_EXTRA_CA_CERTS; Node ignores it once a custom `ca` is given, so we add it ourselves. */
  extraCaCertsFile: string | undefined;
  /** The config-wide proxy; credentials without their own proxy use it. */
  globalProxy: ProxySetting | undefined;
  keepAliveTimeoutMs?: number;
}

/** Proxy URL schemes the dispatchers speak (SOCKS4 is not supported by undici); config accepts exactly these. */
export const PROXY_PROTOCOLS: ReadonlySet<string> = new Set([
  'http:',
  'https:',
  'socks:',
  'socks5:',
  'socks5h:',
]);

const SYSTEM_CA_BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/cert.pem',
];

function readPem(path: string, label: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(label, [`cannot read CA file ${path}: ${(error as Error).message}`]);
  }
}

/** The CA list for upstream TLS, or undefined for Node's defaults. */
export function buildCaList(options: DispatcherOptions): string[] | undefined {
  const extra = options.caCertificates.map((path) => readPem(path, 'config.json caCertificates'));
  if (options.tlsBackend === 'native-tls') {
    const bundle = SYSTEM_CA_BUNDLES.find((path) => {
      try {
        readFileSync(path);
        return true;
      } catch {
        return false;
      }
    });
    if (bundle) extra.push(readFileSync(bundle, 'utf8'));
  }
  if (extra.length === 0) return undefined;
  if (options.extraCaCertsFile) extra.push(readPem(options.extraCaCertsFile, 'NODE_EXTRA_CA_CERTS'));
  return [...rootCertificates, ...extra];
}

function proxyKey(proxy: ProxySetting | undefined): string {
  if (proxy === undefined || proxy === 'direct') return 'direct';
  return `${proxy.url}\u0000${proxy.username ?? ''}\u0000${proxy.password ?? ''}`;
}

/**
 * One keep-alive dispatcher per distinct proxy, shared by chat, refresh and usage calls.
 * `direct` bypasses the global proxy; an unset credential proxy inherits it.
 */
export class HttpDispatchers {
  private readonly cache = new Map<string, Dispatcher>();
  private readonly ca: string[] | undefined;

  constructor(private readonly options: DispatcherOptions) {
    this.ca = buildCaList(options);
  }

  for(proxy: ProxySetting | undefined): Dispatcher {
    const effective = proxy ?? this.options.globalProxy;
    const key = proxyKey(effective);
    let dispatcher = this.cache.get(key);
    if (!dispatcher) {
      dispatcher = this.create(effective);
      this.cache.set(key, dispatcher);
    }
    return dispatcher;
  }

  async close(): Promise<void> {
    const all = [...this.cache.values()];
    this.cache.clear();
    await Promise.all(all.map((dispatcher) => dispatcher.close()));
  }

  private create(proxy: ProxySetting | undefined): Dispatcher {
    const tls = this.ca ? { ca: this.ca } : {};
    const keepAliveTimeout = this.options.keepAliveTimeoutMs ?? 30_000;
    if (proxy === undefined || proxy === 'direct') {
      return new Agent({ keepAliveTimeout, connect: tls });
    }
    const url = new URL(proxy.url);
    if (!PROXY_PROTOCOLS.has(url.protocol)) {
      throw new ConfigError('proxyUrl', [
        `unsupported proxy scheme ${url.protocol} (use http, https or socks5)`,
      ]);
    }
    const username = proxy.username ?? (url.username ? decodeURIComponent(url.username) : undefined);
    const password = proxy.password ?? (url.password ? decodeURIComponent(url.password) : undefined);
    if (url.protocol === 'socks5:' || url.protocol === 'socks:' || url.protocol === 'socks5h:') {
      url.protocol = 'socks5:';
      // undici reads `requestTls` for the tunnelled TLS, though its typings omit it.
      const socksOptions: Socks5ProxyAgent.Options & { requestTls: typeof tls } = {
        ...(username === undefined ? {} : { username }),
        ...(password === undefined ? {} : { password }),
        requestTls: tls,
      };
      return new Socks5ProxyAgent(url.toString(), socksOptions);
    }
    url.username = '';
    url.password = '';
    const token =
      username === undefined
        ? undefined
        : `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}`;
    return new ProxyAgent({
      uri: url.toString(),
      ...(token === undefined ? {} : { token }),
      requestTls: tls,
      proxyTls: tls,
      keepAliveTimeout,
    });
  }
}
