// A tiny SOCKS5 proxy (RFC 1928 CONNECT) with username/password authentication (RFC 1929).
import { createServer } from 'node:net';
import type { Socket } from 'node:net';
import type { ProxyCredentials, TestProxy } from './connect-proxy.js';
import { listenProxy } from './connect-proxy.js';
import { TunnelLog, relayTunnel } from './tunnel-log.js';

const VERSION = 0x05;
const METHOD_USERNAME_PASSWORD = 0x02;
const NO_ACCEPTABLE_METHOD = 0xff;

/** Reads exact byte counts from a socket that is still negotiating. */
class SocketReader {
  private buffer = Buffer.alloc(0);
  private waiting: (() => void) | undefined;
  private ended = false;

  constructor(private readonly socket: Socket) {
    socket.on('data', this.onData);
    socket.on('end', () => {
      this.ended = true;
      this.waiting?.();
    });
  }

  private readonly onData = (chunk: Buffer) => {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    this.waiting?.();
  };

  async read(count: number): Promise<Buffer> {
    while (this.buffer.length < count) {
      if (this.ended) throw new Error('client went away during the SOCKS5 handshake');
      await new Promise<void>((resolve) => (this.waiting = resolve));
      this.waiting = undefined;
    }
    const bytes = this.buffer.subarray(0, count);
    this.buffer = this.buffer.subarray(count);
    return bytes;
  }

  /** Stops reading and returns what arrived after the handshake. */
  detach(): Buffer {
    this.socket.off('data', this.onData);
    this.socket.pause();
    return this.buffer;
  }
}

async function readTarget(reader: SocketReader): Promise<{ host: string; port: number }> {
  const [version, command, , addressType] = await reader.read(4);
  if (version !== VERSION || command !== 0x01) throw new Error('only SOCKS5 CONNECT is supported');
  let host: string;
  if (addressType === 0x01) host = [...(await reader.read(4))].join('.');
  else if (addressType === 0x03) host = (await reader.read((await reader.read(1))[0]!)).toString('latin1');
  else if (addressType === 0x04) {
    const bytes = await reader.read(16);
    host = Array.from({ length: 8 }, (_, index) => bytes.readUInt16BE(index * 2).toString(16)).join(':');
  } else throw new Error(`unknown SOCKS5 address type ${addressType}`);
  return { host, port: (await reader.read(2)).readUInt16BE(0) };
}

/** Starts the proxy on 127.0.0.1; clients must offer and pass username/password authentication. */
export async function startSocks5Proxy(credentials: ProxyCredentials): Promise<TestProxy> {
  const sockets = new Set<Socket>();
  const log = new TunnelLog();
  const stats = { connections: 0, tunnels: 0, rejected: 0 };

  const handshake = async (client: Socket): Promise<void> => {
    const reader = new SocketReader(client);
    const [version, methodCount] = await reader.read(2);
    const methods = [...(await reader.read(methodCount!))];
    if (version !== VERSION || !methods.includes(METHOD_USERNAME_PASSWORD)) {
      stats.rejected += 1;
      client.end(Buffer.from([VERSION, NO_ACCEPTABLE_METHOD]));
      return;
    }
    client.write(Buffer.from([VERSION, METHOD_USERNAME_PASSWORD]));
    const [, userLength] = await reader.read(2);
    const username = (await reader.read(userLength!)).toString('utf8');
    const password = (await reader.read((await reader.read(1))[0]!)).toString('utf8');
    if (username !== credentials.username || password !== credentials.password) {
      stats.rejected += 1;
      client.end(Buffer.from([0x01, 0x01]));
      return;
    }
    client.write(Buffer.from([0x01, 0x00]));
    const target = await readTarget(reader);
    relayTunnel(client, target, log, sockets, () => {
      stats.tunnels += 1;
      client.write(Buffer.from([VERSION, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0]));
      return reader.detach();
    });
  };

  const server = createServer((client) => {
    stats.connections += 1;
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    handshake(client).catch(() => client.destroy());
  });
  return listenProxy('socks5', server, stats, log, sockets);
}
