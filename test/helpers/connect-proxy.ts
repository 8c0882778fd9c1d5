// A tiny HTTP CONNECT proxy with Basic authentication, for end-to-end proxy tests.
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { TunnelLog, relayTunnel } from './tunnel-log.js';

export interface TestProxy {
  /** `http://127.0.0.1:port` or `socks5://127.0.0.1:port`, without credentials. */
  url: string;
  port: number;
  /** TCP connections accepted, tunnels opened, attempts refused for bad credentials. */
  connections: number;
  tunnels: number;
  rejected: number;
  /** Request lines (`POST /refreshToken`) seen inside the tunnels; only readable for plain HTTP targets. */
  requestLines(): string[];
  close(): Promise<void>;
}

export interface ProxyCredentials {
  username: string;
  password: string;
}

const HEADER_END = '\r\n\r\n';

function checkBasic(header: string | undefined, expected: ProxyCredentials): boolean {
  const match = /^Basic\s+(\S+)$/i.exec(header?.trim() ?? '');
  if (!match?.[1]) return false;
  return Buffer.from(match[1], 'base64').toString('utf8') === `${expected.username}:${expected.password}`;
}

/** Starts the proxy on 127.0.0.1; every CONNECT must carry `Proxy-Authorization: Basic user:pass`. */
export async function startConnectProxy(credentials: ProxyCredentials): Promise<TestProxy> {
  const sockets = new Set<Socket>();
  const log = new TunnelLog();
  const stats = { connections: 0, tunnels: 0, rejected: 0 };

  const server = createServer((client) => {
    stats.connections += 1;
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf(HEADER_END);
      if (end < 0) return;
      client.off('data', onData);
      client.pause();
      const [requestLine = '', ...headerLines] = head.subarray(0, end).toString('latin1').split('\r\n');
      const rest = head.subarray(end + HEADER_END.length);
      const headers = new Map(
        headerLines.map((line) => {
          const colon = line.indexOf(':');
          return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()] as const;
        }),
      );
      const [method, target] = requestLine.split(' ');
      if (method !== 'CONNECT' || target === undefined) {
        client.end('HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      if (!checkBasic(headers.get('proxy-authorization'), credentials)) {
        stats.rejected += 1;
        client.end(
          'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\n' +
            'Content-Length: 0\r\n\r\n',
        );
        return;
      }
      const colon = target.lastIndexOf(':');
      const address = { host: target.slice(0, colon), port: Number(target.slice(colon + 1)) };
      relayTunnel(client, address, log, sockets, () => {
        stats.tunnels += 1;
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        return rest;
      });
    };
    client.on('data', onData);
  });
  return listenProxy('http', server, stats, log, sockets);
}

export interface ProxyStats {
  connections: number;
  tunnels: number;
  rejected: number;
}

/** Listens on a free loopback port and hands back the test's view of the proxy. */
export async function listenProxy(
  scheme: 'http' | 'socks5',
  server: Server,
  stats: ProxyStats,
  log: TunnelLog,
  sockets: Set<Socket>,
): Promise<TestProxy> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    port,
    get connections() {
      return stats.connections;
    },
    get tunnels() {
      return stats.tunnels;
    },
    get rejected() {
      return stats.rejected;
    },
    requestLines: () => log.requestLines(),
    close: () => closeServer(server, sockets),
  };
}

export async function closeServer(server: ReturnType<typeof createServer>, sockets: Set<Socket>) {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  for (const socket of sockets) socket.destroy();
  await closed;
}
