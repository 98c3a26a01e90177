// A small JSON-over-HTTP(S) client for reading secret stores at deploy time:
// TLS verified (optionally against a given CA), an overall deadline, and a
// size limit. Response bodies are returned to the caller and never logged.
import { request as httpsRequest } from 'node:https';
import { request as httpRequest, type IncomingMessage } from 'node:http';

export interface JsonResponse {
  status: number;
  body: unknown;
}

const MAX_BYTES = 1 << 20;
const DEFAULT_TIMEOUT_MS = 15_000;

export interface RequestJsonOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  ca?: string;
  /** The whole exchange, connect to last byte; a server that trickles is cut off too. */
  timeoutMs?: number;
  maxBytes?: number;
}

export function requestJson(url: string, opts: RequestJsonOptions): Promise<JsonResponse> {
  const u = new URL(url);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = opts.maxBytes ?? MAX_BYTES;
  const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return new Promise((resolvePromise, reject) => {
    // Settles once: a refusal (size, deadline) must win over a later "end".
    let settled = false;
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      req.destroy();
      reject(e);
    };
    const req = send(
      u,
      {
        method: opts.method ?? 'GET',
        headers: {
          accept: 'application/json',
          ...(payload ? { 'content-type': 'application/json' } : {}),
          ...opts.headers,
        },
        ca: opts.ca,
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) return fail(new Error(`response from ${u.origin} is larger than ${maxBytes} bytes`));
          chunks.push(c);
        });
        res.on('error', fail);
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(deadline);
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            body = undefined;
          }
          resolvePromise({ status: res.statusCode ?? 0, body });
        });
      }
    );
    // An overall deadline, not Node's socket-idle timeout: a server that sends
    // a byte now and then would keep an idle timeout from ever firing.
    const deadline = setTimeout(
      () => fail(new Error(`no complete answer from ${u.origin} within ${timeoutMs} ms`)),
      timeoutMs
    );
    req.on('error', fail);
    if (payload) req.write(payload);
    req.end();
  });
}
