// The floor: a do-nothing Node HTTP proxy (read the body, forward it with undici, pipe the bytes
// back). Whatever it adds on this machine, any Node gateway in the path pays as well.
//   node --import tsx bench/null-proxy.ts <target base URL>
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';

const target = process.argv[2];
if (!target) throw new Error('usage: null-proxy.ts <target base URL>');
const agent = new Agent({ connections: 1000, keepAliveTimeout: 120_000 });
const HOP = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding']);

const server = createServer((incoming, outgoing) => {
  const chunks: Buffer[] = [];
  incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
  incoming.on('end', () => {
    const headers = Object.fromEntries(Object.entries(incoming.headers).filter(([name]) => !HOP.has(name)));
    request(`${target}${incoming.url ?? '/'}`, {
      method: incoming.method as 'POST',
      headers: headers as Record<string, string>,
      body: Buffer.concat(chunks),
      dispatcher: agent,
    })
      .then(async (upstream) => {
        outgoing.writeHead(upstream.statusCode, { 'content-type': String(upstream.headers['content-type']) });
        for await (const chunk of upstream.body) outgoing.write(chunk);
        outgoing.end();
      })
      .catch(() => outgoing.destroy());
  });
});
server.keepAliveTimeout = 120_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(
    `null proxy listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`,
  );
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
