// requestJson's limits, against local servers that misbehave on purpose.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { requestJson } from './http-json';

const servers: Server[] = [];
async function serve(handler: RequestListener): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
afterAll(() =>
  servers.forEach((s) => {
    s.closeAllConnections();
    s.close();
  })
);

describe('requestJson', () => {
  it('returns the status and the parsed body', async () => {
    const url = await serve((_, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"version":3}}')
    );
    expect(await requestJson(url, {})).toEqual({ status: 200, body: { data: { version: 3 } } });
  });

  it('gives up on a server that never answers', async () => {
    const url = await serve(() => undefined);
    await expect(requestJson(url, { timeoutMs: 300 })).rejects.toThrow(
      /no complete answer from http:\/\/127\.0\.0\.1:\d+ within 300 ms/
    );
  });

  it('gives up on a server that trickles, whose socket is never idle', async () => {
    const url = await serve((_, res) => {
      res.writeHead(200);
      const tick = setInterval(() => res.write(' '), 50);
      res.on('close', () => clearInterval(tick));
    });
    await expect(requestJson(url, { timeoutMs: 400 })).rejects.toThrow(/within 400 ms/);
  });

  it('refuses an answer over the size limit', async () => {
    const url = await serve((_, res) => res.writeHead(200).end(Buffer.alloc(4096, 'x')));
    await expect(requestJson(url, { maxBytes: 1024 })).rejects.toThrow(/larger than 1024 bytes/);
  });
});
