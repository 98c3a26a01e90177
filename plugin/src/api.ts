// Every call the frontend makes to Grafana: getBackendSrv().fetch() returns an
// Observable; lastValueFrom turns it into a promise. Grafana's default error
// toast is turned off because each page shows its errors where they happened.
import { FetchError, getBackendSrv, isFetchError } from '@grafana/runtime';
import { lastValueFrom } from 'rxjs';

import { HEALTH_API, RESOURCES_API, SETTINGS_API } from './constants';
import { classifyErrorBody } from './grafanaErrors';
import { ConnectionInfo, ConnectionJsonData } from './connections/shape';
import { AppJsonData } from './settings';

/** An error with a machine-readable code and a message that says what to do. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    /** Grafana's id for an access-control denial (403), which its log carries too. */
    readonly accessErrorId?: string
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface PluginStatus {
  configured: boolean;
  reason?: string;
}

export type Profile = Record<string, unknown>;

export interface PluginSettingsBody {
  enabled: boolean;
  pinned: boolean;
  /** The old single-connection form, or the list of named connections. */
  jsonData: AppJsonData | { connections: ConnectionJsonData[] };
  /**
   * Only the fields to change: any value sent replaces the stored one ("" too,
   * which is how a field no connection reads any more is cleared).
   */
  secureJsonData?: Record<string, string>;
}

export interface HealthVerdict {
  status: 'OK' | 'ERROR' | string;
  message: string;
}

async function request<T>(method: string, url: string, data?: unknown): Promise<T> {
  try {
    const response = await lastValueFrom(
      getBackendSrv().fetch<T>({ method, url, data, showErrorAlert: false, showSuccessAlert: false })
    );
    return response.data;
  } catch (err) {
    throw toApiError(err);
  }
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) {
    return err;
  }
  if (isFetchError(err)) {
    const { data, status, statusText } = err as FetchError<unknown>;
    const { code, message, accessErrorId } = classifyErrorBody(status, data, statusText);
    return new ApiError(code, message, status, accessErrorId);
  }
  return new ApiError('network_error', err instanceof Error ? err.message : String(err), 0);
}

/**
 * The routes of one connection (connections/<name>/...), or without a name
 * the old routes, which mean connection "default".
 */
const connectionRoute = (connection: string | undefined, route: string) =>
  connection === undefined
    ? `${RESOURCES_API}/${route}`
    : `${RESOURCES_API}/connections/${encodeURIComponent(connection)}/${route}`;

export const getStatus = (connection?: string) => request<PluginStatus>('GET', connectionRoute(connection, 'status'));
export const getProfile = (connection?: string) =>
  request<Profile | null>('GET', connectionRoute(connection, 'profile'));
/** The connections the caller may use, each with its health verdict (at most 30 s old). */
export const getConnections = () =>
  request<{ connections: ConnectionInfo[] }>('GET', `${RESOURCES_API}/connections`).then((r) => r.connections ?? []);
export const saveSettings = (body: PluginSettingsBody) => request<unknown>('POST', SETTINGS_API, body);

/**
 * Grafana answers the health endpoint with HTTP 200 for OK and an error status
 * for a failed check, with the plugin's verdict in the body either way. When
 * Grafana itself answers (no settings yet, app disabled, backend down) the
 * verdict is Grafana's error, explained.
 */
export async function checkHealth(): Promise<HealthVerdict> {
  try {
    return await request<HealthVerdict>('GET', HEALTH_API);
  } catch (err) {
    if (isFetchError(err)) {
      const body = (err as FetchError<Partial<HealthVerdict>>).data;
      if (body && typeof body.status === 'string' && typeof body.message === 'string') {
        return { status: body.status, message: body.message };
      }
    }
    return { status: 'ERROR', message: toApiError(err).message };
  }
}
