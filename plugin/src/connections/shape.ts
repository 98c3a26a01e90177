// The list form of the settings (jsonData.connections) and the connections
// route's answer, as the page needs them. The rules are the settings
// contract's (src/contract/connections.ts, through listProblems.ts); the
// route answer is the backend's ConnectionInfo (pkg/plugin/handlers_connections.go).

/** The connection the old single-connection form is read as. */
export const DEFAULT_CONNECTION = 'default';

export type AuthKind = 'apiKey' | 'oauth2' | 'mtls';

export const ROLES = ['Viewer', 'Editor', 'Admin'] as const;
export type RoleName = (typeof ROLES)[number];
/** Methods a connection's minRoles may raise; GET's covers HEAD and OPTIONS. */
export const OVERRIDE_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type OverrideMethod = (typeof OVERRIDE_METHODS)[number];

export type SecretName = 'apiKey' | 'clientSecret' | 'tlsClientCert' | 'tlsClientKey';
/** The secure fields each auth kind reads, as `<name>.<secret>` in secureJsonData. */
export const CONNECTION_SECRETS: Record<AuthKind, readonly SecretName[]> = {
  apiKey: ['apiKey'],
  oauth2: ['clientSecret'],
  mtls: ['tlsClientCert', 'tlsClientKey'],
};
export const SECRET_NAMES: readonly SecretName[] = ['apiKey', 'clientSecret', 'tlsClientCert', 'tlsClientKey'];

export const secureKey = (connection: string, secret: SecretName) => `${connection}.${secret}`;

/** The old form's secure field: the key of connection "default". */
export const LEGACY_SECRET = 'apiKey';

export interface ConnectionJsonData {
  name: string;
  auth?: AuthKind;
  apiUrl?: string;
  authHeader?: string;
  authScheme?: string;
  oauth2?: { tokenUrl: string; clientId: string; scopes?: string[] };
  caCertificate?: string;
  timeoutSeconds?: number;
  maxResponseBytes?: number;
  allowInsecureLoopback?: boolean;
  allowedPaths?: string[];
  healthPath?: string;
  minRoles?: Partial<Record<OverrideMethod, RoleName>>;
  cache?: { enabled?: boolean; maxEntries?: number; maxBytes?: number };
  rateLimit?: {
    perUserPerSecond?: number;
    perUserBurst?: number;
    perConnectionPerSecond?: number;
    perConnectionBurst?: number;
  };
}

/** One entry of GET connections: a connection the caller may use, and its health. */
export interface ConnectionInfo {
  name: string;
  auth: AuthKind;
  health: { ok: boolean; message: string };
}
