// The list form of the settings (jsonData.connections) and the connections
// route's answer, as the page needs them. The list's types and rules are the
// settings contract's (src/contract/connections.ts, settingsContract.ts;
// the rules through listProblems.ts); the route answer is the backend's ConnectionInfo (pkg/plugin/handlers_connections.go).

/** The connection the old single-connection form is read as. */
export const DEFAULT_CONNECTION = 'default';

import type { AuthKind, RoleName, SecretName } from '../contract/connections';

export type { AuthKind, RoleName, SecretName };
export { CONNECTION_SECRETS } from '../contract/connections';
export type { ConnectionJsonData } from '../contract/settingsContract';

/** The roles a minRoles override may name, in rank order. */
export const ROLES: readonly RoleName[] = ['Viewer', 'Editor', 'Admin'];
/** Methods a connection's minRoles may raise; GET's covers HEAD and OPTIONS. */
export const OVERRIDE_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type OverrideMethod = (typeof OVERRIDE_METHODS)[number];

export const SECRET_NAMES: readonly SecretName[] = ['apiKey', 'clientSecret', 'tlsClientCert', 'tlsClientKey'];

export const secureKey = (connection: string, secret: SecretName) => `${connection}.${secret}`;

/** The old form's secure field: the key of connection "default". */
export const LEGACY_SECRET = 'apiKey';

/** One entry of GET connections: a connection the caller may use, and its health. */
export interface ConnectionInfo {
  name: string;
  auth: AuthKind;
  health: { ok: boolean; message: string };
}
