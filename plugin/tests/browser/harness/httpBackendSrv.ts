// Test code: a BackendSrv that talks plain HTTP to the Grafana test double,
// same-origin with the session cookie, shaped like Grafana's own: relative
// URLs resolve against the server root, JSON in and out, and a non-2xx answer
// errors the Observable with a FetchError carrying the parsed body.
import { BackendSrv, BackendSrvRequest, FetchError, FetchResponse } from '@grafana/runtime';
import { Observable } from 'rxjs';

export class HttpBackendSrv {
  fetch<T>(options: BackendSrvRequest): Observable<FetchResponse<T>> {
    return new Observable<FetchResponse<T>>((subscriber) => {
      const controller = new AbortController();
      const url = new URL(options.url.replace(/^\//, ''), window.location.origin + '/');
      for (const [key, value] of Object.entries(options.params ?? {})) {
        url.searchParams.set(key, String(value));
      }
      const headers: Record<string, string> = { Accept: 'application/json', 'X-Grafana-Org-Id': '1' };
      let body: string | undefined;
      if (options.data !== undefined) {
        headers['Content-Type'] = 'application/json';
        body = JSON.stringify(options.data);
      }
      window
        .fetch(url, {
          method: options.method ?? 'GET',
          headers,
          body,
          credentials: 'same-origin',
          signal: controller.signal,
        })
        .then(async (res) => {
          const text = await res.text();
          let data: unknown = text;
          try {
            data = text ? JSON.parse(text) : undefined;
          } catch {
            // Not JSON: keep the text, as Grafana does.
          }
          if (!res.ok) {
            const error: FetchError = { status: res.status, statusText: res.statusText, data, config: options };
            subscriber.error(error);
            return;
          }
          subscriber.next({
            data: data as T,
            status: res.status,
            statusText: res.statusText,
            ok: res.ok,
            headers: res.headers,
            redirected: res.redirected,
            type: res.type,
            url: res.url,
            config: options,
          });
          subscriber.complete();
        })
        .catch((err) => subscriber.error(err));
      return () => controller.abort();
    });
  }
}

export function asBackendSrv(srv: HttpBackendSrv): BackendSrv {
  return srv as unknown as BackendSrv;
}
