// A loopback TCP relay between the gateway and the simulator, so a test can see upstream
// connections close (the gateway aborting a request) and can hold a connection before any byte
// reaches the simulator (the gateway waiting for upstream headers).

import { createConnection, createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';

export interface TcpProxy {
  /** `http://127.0.0.1:port`: use it as an upstream base URL. */
  readonly url: string;
  /** Where connections are relayed to (`http://host:port`); set it once the simulator runs. */
  target: string;
  /** When true, new connections are accepted but nothing is relayed: the upstream never answers. */
  stall: boolean;
  /** Client-side connections accepted so far. */
  readonly accepted: number;
  /** Client-side connections that have closed so far. */
  readonly closed: number;
  /** Resolves once a connection whose request bytes contained `marker` has closed. */
  waitForClosed(marker: string): Promise<void>;
  /** Resolves once a connection has received request bytes containing `marker`. */
  waitForRequest(marker: string): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const waiters: (() => void)[] = [];
  const counters = { accepted: 0, closed: 0 };
  /** Request bytes (latin1) of open and of closed connections. */
  const openTexts = new Map<Socket, string>();
  const closedTexts: string[] = [];
  const settings = { target: '', stall: false };
  const notify = () => {
    for (const waiter of waiters.splice(0)) waiter();
  };
  const waitUntil = (done: () => boolean): Promise<void> =>
    new Promise((resolve) => {
      const check = () => (done() ? resolve() : waiters.push(check));
      check();
    });

  const server = createServer((client) => {
    counters.accepted += 1;
    sockets.add(client);
    openTexts.set(client, '');
    client.on('data', (chunk: Buffer) => {
      openTexts.set(client, (openTexts.get(client) ?? '') + chunk.toString('latin1'));
      notify();
    });
    client.once('close', () => {
      sockets.delete(client);
      closedTexts.push(openTexts.get(client) ?? '');
      openTexts.delete(client);
      counters.closed += 1;
      notify();
    });
    client.on('error', () => client.destroy());
    notify();
    if (settings.stall) return;
    const { hostname, port } = new URL(settings.target);
    const upstream = createConnection({ host: hostname, port: Number(port) });
    sockets.add(upstream);
    upstream.once('close', () => {
      sockets.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => upstream.destroy());
    client.once('close', () => upstream.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    get target() {
      return settings.target;
    },
    set target(value: string) {
      settings.target = value;
    },
    get stall() {
      return settings.stall;
    },
    set stall(value: boolean) {
      settings.stall = value;
    },
    get accepted() {
      return counters.accepted;
    },
    get closed() {
      return counters.closed;
    },
    waitForClosed: (marker) => waitUntil(() => closedTexts.some((text) => text.includes(marker))),
    waitForRequest: (marker) =>
      waitUntil(() => [...openTexts.values(), ...closedTexts].some((text) => text.includes(marker))),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
