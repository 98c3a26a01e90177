// A small JSON-over-HTTP(S) client for reading secret stores at deploy time:
// TLS verified (optionally against a given CA), a timeout, and a size limit.
// Response bodies are returned to the caller and never logged.
import { request as httpsRequest } from "node:https";
import { request as httpRequest, type IncomingMessage } from "node:http";

export interface JsonResponse {
  status: number;
  body: unknown;
}

const MAX_BYTES = 1 << 20;

export function requestJson(url: string, opts: { method?: string; headers?: Record<string, string>; body?: unknown; ca?: string; timeoutMs?: number }): Promise<JsonResponse> {
  const u = new URL(url);
  const send = u.protocol === "https:" ? httpsRequest : httpRequest;
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return new Promise((resolvePromise, reject) => {
    const req = send(
      u,
      {
        method: opts.method ?? "GET",
        headers: { accept: "application/json", ...(payload ? { "content-type": "application/json" } : {}), ...opts.headers },
        ca: opts.ca,
        timeout: opts.timeoutMs ?? 15000,
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size > MAX_BYTES) {
            req.destroy(new Error(`response from ${u.origin} is larger than ${MAX_BYTES} bytes`));
            return;
          }
          chunks.push(c);
        });
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let body: unknown = undefined;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            body = undefined;
          }
          resolvePromise({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer from ${u.origin} within ${opts.timeoutMs ?? 15000} ms`)));
    req.on("error", reject);
    if (payload) req.write(payload);
    req.end();
  });
}
