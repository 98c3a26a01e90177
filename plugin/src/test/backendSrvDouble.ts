// A BackendSrv double for component tests: answers Grafana API calls from a
// table of canned responses and records every request, so tests can assert
// exactly what the page sent (for example that no secureJsonData left it).
import { BackendSrv, BackendSrvRequest, FetchError, FetchResponse, setBackendSrv } from '@grafana/runtime';
import { Observable, Subject, throwError } from 'rxjs';

export interface CannedResponse {
  status: number;
  data: unknown;
}

type Answer = CannedResponse | (() => CannedResponse) | Subject<CannedResponse>;

export class BackendSrvDouble {
  readonly requests: BackendSrvRequest[] = [];
  private readonly answers = new Map<string, Answer>();

  /** Answers `METHOD url` (the url as the page passes it). A Subject keeps the request pending until it emits. */
  on(method: string, url: string, answer: Answer): this {
    this.answers.set(`${method} ${url}`, answer);
    return this;
  }

  install(): this {
    setBackendSrv({ fetch: (options: BackendSrvRequest) => this.fetch(options) } as unknown as BackendSrv);
    return this;
  }

  requestsTo(method: string, url: string): BackendSrvRequest[] {
    return this.requests.filter((r) => (r.method ?? 'GET') === method && r.url === url);
  }

  private fetch(options: BackendSrvRequest): Observable<FetchResponse> {
    this.requests.push(options);
    const key = `${options.method ?? 'GET'} ${options.url}`;
    const answer = this.answers.get(key);
    if (!answer) {
      return throwError(() => fetchError(options, { status: 404, data: { message: `double: no answer for ${key}` } }));
    }
    if (answer instanceof Subject) {
      return new Observable<FetchResponse>((subscriber) =>
        answer.subscribe((canned) => {
          respond(options, canned, subscriber);
        })
      );
    }
    const canned = typeof answer === 'function' ? answer() : answer;
    return new Observable<FetchResponse>((subscriber) => respond(options, canned, subscriber));
  }
}

function respond(
  options: BackendSrvRequest,
  canned: CannedResponse,
  subscriber: { next(v: FetchResponse): void; complete(): void; error(e: unknown): void }
) {
  if (canned.status >= 400) {
    subscriber.error(fetchError(options, canned));
    return;
  }
  subscriber.next({
    data: canned.data,
    status: canned.status,
    statusText: 'OK',
    ok: true,
    headers: new Headers(),
    redirected: false,
    type: 'basic',
    url: options.url,
    config: options,
  });
  subscriber.complete();
}

function fetchError(options: BackendSrvRequest, canned: CannedResponse): FetchError {
  return { status: canned.status, statusText: `HTTP ${canned.status}`, data: canned.data, config: options };
}
