// Records what clients send through a proxy tunnel, to tell which upstream calls used which proxy.
import { connect } from 'node:net';
import type { Socket } from 'node:net';

/**
 * `POST /refreshToken`, … for each HTTP/1.1 request in one connection's bytes (latin1, so one char per byte).
 * Bodies are skipped by Content-Length (undici sends one for every body kirogate makes).
 */
function parseRequestLines(text: string): string[] {
  const lines: string[] = [];
  let offset = 0;
  for (;;) {
    const end = text.indexOf('\r\n\r\n', offset);
    if (end < 0) return lines;
    const [requestLine = '', ...headers] = text.slice(offset, end).split('\r\n');
    const [method, target = ''] = requestLine.split(' ');
    lines.push(`${method} ${target.split('?')[0]}`);
    const length = headers.find((header) => /^content-length:/i.test(header));
    offset = end + 4 + (length === undefined ? 0 : Number(length.slice(length.indexOf(':') + 1)));
  }
}

export class TunnelLog {
  private readonly tunnels: string[] = [];

  /** Starts a tunnel; returns the recorder for its client → target bytes. */
  open(): (data: Buffer) => void {
    const index = this.tunnels.push('') - 1;
    return (data) => {
      this.tunnels[index] += data.toString('latin1');
    };
  }

  /** The requests sent through every tunnel so far, tunnel by tunnel (query strings dropped). */
  requestLines(): string[] {
    return this.tunnels.flatMap(parseRequestLines);
  }
}

/**
 * Connects to the target and relays both ways, recording the client → target bytes. `established`
 * runs once connected: it answers the client's handshake and returns bytes it read past it.
 */
export function relayTunnel(
  client: Socket,
  target: { host: string; port: number },
  log: TunnelLog,
  sockets: Set<Socket>,
  established: () => Buffer,
): void {
  const upstream = connect(target.port, target.host, () => {
    const rest = established();
    const record = log.open();
    if (rest.length > 0) {
      record(rest);
      upstream.write(rest);
    }
    client.on('data', (data: Buffer) => {
      record(data);
      upstream.write(data);
    });
    client.resume();
    upstream.pipe(client);
    client.on('end', () => upstream.end());
  });
  sockets.add(upstream);
  upstream.on('close', () => {
    sockets.delete(upstream);
    client.destroy();
  });
  upstream.on('error', () => client.destroy());
  client.on('close', () => upstream.destroy());
}
