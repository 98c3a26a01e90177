// The list form of the settings, jsonData.connections, as the Go backend
// reads it (LoadAppSettings in pkg/plugin/settings_connections.go, with
// settings_auth.go and settings_limits.go): the same rules in the same
// order, and the same field names - "connections[1] (billing).apiUrl" - so
// that the first problem here is the one the plugin names in
// "not configured: <setting>: ...". tests/settings-parity holds both sides
// to each other.

import { apiUrlFinding } from './apiUrl';
import { goTrimSpace } from './bytes';
import { apiKeyFinding } from './headerRules';
import type { Finding, SettingProblem } from './problems';

const CONNECTION_NAME = /^[a-z][a-z0-9-]{0,31}$/;
const MAX_CONNECTIONS = 32;
const AUTH_KINDS = ['apiKey', 'oauth2', 'mtls'] as const;
export type AuthKind = (typeof AUTH_KINDS)[number];
export type RoleName = 'Viewer' | 'Editor' | 'Admin';

/** The old form's top-level settings; none may sit beside connections. */
const SINGLE_CONNECTION_KEYS = [
  'apiUrl',
  'authHeader',
  'authScheme',
  'caCertificate',
  'timeoutSeconds',
  'maxResponseBytes',
  'allowInsecureLoopback',
  'allowedPaths',
  'healthPath',
] as const;

/** What the list check borrows from the single-connection contract (settingsContract.ts). */
export interface FlatRules {
  /** A value of the wrong JSON type for a single-connection setting, or undefined. */
  typeFinding(key: string, value: unknown): Finding | undefined;
  /** The rule problems of the single-connection settings, fields unprefixed, in the backend's order. */
  ruleProblems(settings: Record<string, unknown>): SettingProblem[];
}

const ROLE_RANK: Record<RoleName, number> = { Viewer: 1, Editor: 2, Admin: 3 };
const MIN_ROLE_FLOOR: Record<string, RoleName> = {
  GET: 'Viewer',
  POST: 'Editor',
  PUT: 'Editor',
  PATCH: 'Editor',
  DELETE: 'Editor',
};

const isSet = (v: unknown) => v !== undefined && v !== null;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function connectionLabel(i: number, name: unknown): string {
  return typeof name === 'string' && CONNECTION_NAME.test(name) ? `connections[${i}] (${name})` : `connections[${i}]`;
}

/**
 * The first problem of jsonData in the list form (the backend stops at its
 * first), or an empty list when every connection's jsonData is accepted.
 */
export function checkConnectionList(given: Record<string, unknown>, flat: FlatRules): SettingProblem[] {
  for (const key of SINGLE_CONNECTION_KEYS) {
    if (isSet(given[key])) {
      return [
        {
          field: key,
          problem: 'is set beside connections',
          fix: `move ${key} into each connection that needs it, or remove connections to use the single-connection form`,
        },
      ];
    }
  }
  const list = given.connections;
  if (!Array.isArray(list)) {
    return [{ field: 'connections', problem: 'is not a list', fix: 'give a list of connection objects' }];
  }
  if (list.length === 0) {
    return [{ field: 'connections', problem: 'is empty', fix: 'add at least one connection' }];
  }
  if (list.length > MAX_CONNECTIONS) {
    return [
      { field: 'connections', problem: `lists ${list.length} connections`, fix: `keep at most ${MAX_CONNECTIONS}` },
    ];
  }
  const seen = new Map<string, number>();
  for (const [i, entry] of list.entries()) {
    const problem = checkConnection(i, entry, seen, flat);
    if (problem) {
      return [problem];
    }
  }
  return [];
}

function checkConnection(
  i: number,
  entry: unknown,
  seen: Map<string, number>,
  flat: FlatRules
): SettingProblem | undefined {
  if (!isObject(entry)) {
    return { field: `connections[${i}]`, problem: 'is not an object', fix: 'give each connection as an object' };
  }
  const label = connectionLabel(i, entry.name);
  const at = (p: { field: string } & Finding): SettingProblem => ({ ...p, field: `${label}.${p.field}` });
  // JSON types first, in document order, as Go's decoder finds the earliest.
  for (const [key, value] of Object.entries(entry)) {
    if (!isSet(value)) {
      continue;
    }
    const finding =
      key === 'name' || key === 'auth'
        ? typeof value === 'string'
          ? undefined
          : { problem: 'is not a string', fix: 'give it as text in quotes' }
        : (SINGLE_CONNECTION_KEYS as readonly string[]).includes(key)
          ? flat.typeFinding(key, value)
          : undefined;
    if (finding) {
      return at({ field: key, ...finding });
    }
  }
  const name = entry.name;
  if (typeof name !== 'string' || name === '') {
    return at({ field: 'name', problem: 'is missing', fix: 'name the connection, e.g. billing' });
  }
  if (!CONNECTION_NAME.test(name)) {
    return at({
      field: 'name',
      problem: `"${name.slice(0, 40)}" is not a connection name`,
      fix: 'use a lower-case letter followed by up to 31 lower-case letters, digits or dashes',
    });
  }
  const earlier = seen.get(name);
  if (earlier !== undefined) {
    return at({
      field: 'name',
      problem: `"${name}" is already the name of connections[${earlier}]`,
      fix: 'give every connection its own name',
    });
  }
  seen.set(name, i);
  const auth = isSet(entry.auth) ? (entry.auth as string) : 'apiKey';
  if (!(AUTH_KINDS as readonly string[]).includes(auth)) {
    return at({
      field: 'auth',
      problem: `"${auth.slice(0, 40)}" is not an auth kind`,
      fix: 'use apiKey, oauth2 or mtls',
    });
  }
  const flatProblem = flat.ruleProblems(entry)[0];
  if (flatProblem) {
    return at(flatProblem);
  }
  for (const rule of [authOnlyProblem, oauth2Problem, minRolesProblem, cacheProblem, rateLimitProblem]) {
    const problem = rule(entry, auth as AuthKind);
    if (problem) {
      return at(problem);
    }
  }
  return undefined;
}

type Rule = (entry: Record<string, unknown>, auth: AuthKind) => SettingProblem | undefined;

const authOnlyProblem: Rule = (entry, auth) => {
  if (auth === 'apiKey') {
    return undefined;
  }
  const key = ['authHeader', 'authScheme'].find((k) => isSet(entry[k]));
  return key
    ? {
        field: key,
        problem: `applies only to auth apiKey, and this connection's auth is ${auth}`,
        fix: `remove ${key}`,
      }
    : undefined;
};

// RFC 6749 section 3.3 scope-token; Go's validScopeToken.
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
// httpguts.ValidHeaderFieldValue: no control characters but a tab.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;

const oauth2Problem: Rule = (entry, auth) => {
  const block = entry.oauth2;
  if (auth !== 'oauth2') {
    return isSet(block)
      ? {
          field: 'oauth2',
          problem: `is set, but this connection's auth is ${auth}`,
          fix: 'set auth to oauth2, or remove oauth2',
        }
      : undefined;
  }
  if (!isSet(block)) {
    return {
      field: 'oauth2',
      problem: 'is missing; auth oauth2 needs it',
      fix: 'set oauth2.tokenUrl and oauth2.clientId',
    };
  }
  if (!isObject(block)) {
    return { field: 'oauth2', problem: 'is not an object', fix: 'give {"tokenUrl": "https://...", "clientId": "..."}' };
  }
  const typeProblem = blockTypeProblem('oauth2', block, {
    tokenUrl: 'string',
    clientId: 'string',
    scopes: 'string[]',
  });
  if (typeProblem) {
    return typeProblem;
  }
  const tokenUrl = (block.tokenUrl as string | null | undefined) ?? '';
  if (goTrimSpace(tokenUrl) === '') {
    return {
      field: 'oauth2.tokenUrl',
      problem: 'is missing',
      fix: "set it to the https URL of the API's token endpoint",
    };
  }
  const urlFinding = apiUrlFinding(tokenUrl, entry.allowInsecureLoopback === true);
  if (urlFinding) {
    return { field: 'oauth2.tokenUrl', ...urlFinding };
  }
  const clientId = goTrimSpace((block.clientId as string | null | undefined) ?? '');
  if (clientId === '') {
    return { field: 'oauth2.clientId', problem: 'is missing', fix: 'set the client id the token endpoint issued' };
  }
  if (new TextEncoder().encode(clientId).length > 256 || CONTROL.test(clientId)) {
    return {
      field: 'oauth2.clientId',
      problem: 'is longer than 256 bytes or contains control characters',
      fix: 'paste the client id again',
    };
  }
  for (const [i, scope] of ((block.scopes as Array<string | null> | null | undefined) ?? []).entries()) {
    if (!SCOPE_TOKEN.test(scope ?? '')) {
      return {
        field: `oauth2.scopes[${i}]`,
        problem: 'is not an OAuth2 scope',
        fix: 'give each scope as one word without spaces or quotes',
      };
    }
  }
  return undefined;
};

const minRolesProblem: Rule = (entry) => {
  const block = entry.minRoles;
  if (!isSet(block)) {
    return undefined;
  }
  if (!isObject(block)) {
    return {
      field: 'minRoles',
      problem: 'is not an object',
      fix: 'give method names and roles, e.g. {"POST": "Admin"}',
    };
  }
  // Go sorts the methods by their bytes; for these ASCII names so does sort().
  for (const method of Object.keys(block).sort()) {
    const floor = MIN_ROLE_FLOOR[method];
    if (!Object.hasOwn(MIN_ROLE_FLOOR, method)) {
      return {
        field: 'minRoles',
        problem: `"${method.slice(0, 40)}" is not a method an override covers`,
        fix: 'use GET (it covers HEAD and OPTIONS too), POST, PUT, PATCH or DELETE',
      };
    }
    const role = block[method];
    const field = `minRoles.${method}`;
    if (typeof role !== 'string') {
      return { field, problem: 'is not a string', fix: 'use Viewer, Editor or Admin' };
    }
    if (!Object.hasOwn(ROLE_RANK, role)) {
      return { field, problem: `"${role.slice(0, 40)}" is not a Grafana role`, fix: 'use Viewer, Editor or Admin' };
    }
    if (ROLE_RANK[role as RoleName] < ROLE_RANK[floor]) {
      return {
        field,
        problem: `${role} is below the ${floor} that ${method} needs at least`,
        fix: `an override can only raise it: use ${floor} or higher, or remove it`,
      };
    }
  }
  return undefined;
};

const cacheProblem: Rule = (entry) => {
  const block = entry.cache;
  if (!isSet(block)) {
    return undefined;
  }
  if (!isObject(block)) {
    return { field: 'cache', problem: 'is not an object', fix: 'give it as an object, or remove it' };
  }
  return (
    blockTypeProblem('cache', block, { enabled: 'boolean', maxEntries: 'number', maxBytes: 'number' }) ??
    wholeProblem('cache.maxEntries', block.maxEntries, 1, 100_000) ??
    wholeProblem('cache.maxBytes', block.maxBytes, 1, 1024 * 1024 * 1024)
  );
};

const rateLimitProblem: Rule = (entry) => {
  const block = entry.rateLimit;
  if (!isSet(block)) {
    return undefined;
  }
  if (!isObject(block)) {
    return { field: 'rateLimit', problem: 'is not an object', fix: 'give it as an object, or remove it' };
  }
  return (
    blockTypeProblem('rateLimit', block, {
      perUserPerSecond: 'number',
      perUserBurst: 'number',
      perConnectionPerSecond: 'number',
      perConnectionBurst: 'number',
    }) ??
    rateProblem(block, 'perUser') ??
    rateProblem(block, 'perConnection')
  );
};

function rateProblem(block: Record<string, unknown>, prefix: string): SettingProblem | undefined {
  const rateName = `rateLimit.${prefix}PerSecond`;
  const burstName = `rateLimit.${prefix}Burst`;
  const rate = block[`${prefix}PerSecond`];
  const burst = block[`${prefix}Burst`];
  if (!isSet(rate)) {
    return isSet(burst)
      ? { field: burstName, problem: `is set without ${rateName}`, fix: `set ${rateName} too, or remove ${burstName}` }
      : undefined;
  }
  const r = rate as number;
  if (!Number.isFinite(r) || r <= 0 || r > 10_000) {
    return { field: rateName, problem: `is ${r}`, fix: 'set requests per second above 0 and at most 10000' };
  }
  return wholeProblem(burstName, burst, 1, 100_000);
}

function wholeProblem(field: string, value: unknown, min: number, max: number): SettingProblem | undefined {
  if (!isSet(value)) {
    return undefined;
  }
  const n = value as number;
  return Number.isInteger(n) && n >= min && n <= max
    ? undefined
    : {
        field,
        problem: `is ${n}, not a whole number from ${min} to ${max}`,
        fix: `set a whole number from ${min} to ${max}`,
      };
}

type BlockType = 'string' | 'number' | 'boolean' | 'string[]';

/** The first value of the wrong JSON type in a block, in document order. */
function blockTypeProblem(
  name: string,
  block: Record<string, unknown>,
  types: Record<string, BlockType>
): SettingProblem | undefined {
  for (const [key, value] of Object.entries(block)) {
    const type = types[key];
    if (!type || !isSet(value)) {
      continue;
    }
    const ok =
      type === 'string[]'
        ? Array.isArray(value) && value.every((v) => typeof v === 'string' || v === null)
        : typeof value === type;
    if (!ok) {
      return { field: `${name}.${key}`, problem: `is not a ${type}`, fix: `give ${key} as a ${type}` };
    }
  }
  return undefined;
}

/**
 * The first problem with the connections' secrets, as the backend checks
 * them once every connection's jsonData is accepted: per auth kind, under
 * "<name>.<secret>" in secureJsonData. Certificates are checked for PEM
 * blocks only; parsing them, and that the key belongs to the certificate,
 * the backend checks. No secret is ever quoted.
 */
export function checkConnectionSecrets(
  connections: Array<Record<string, unknown>>,
  secure: Record<string, string | undefined>
): SettingProblem | undefined {
  for (const [i, c] of connections.entries()) {
    const name = c.name as string;
    const auth = (isSet(c.auth) ? c.auth : 'apiKey') as AuthKind;
    const field = (secret: string) => `${connectionLabel(i, name)}.${secret}`;
    const where = (secret: string) => `secureJsonData["${name}.${secret}"]`;
    const value = (secret: string) => secure[`${name}.${secret}`] ?? '';
    if (auth === 'apiKey' || auth === 'oauth2') {
      const secret = auth === 'apiKey' ? 'apiKey' : 'clientSecret';
      const v = value(secret);
      const finding = apiKeyFinding(v, goTrimSpace(v));
      if (finding) {
        return { field: field(secret), problem: finding.problem, fix: `store it in ${where(secret)}` };
      }
      continue;
    }
    const cert = goTrimSpace(value('tlsClientCert'));
    if (cert === '' || pemType(cert) !== 'CERTIFICATE') {
      return {
        field: field('tlsClientCert'),
        problem: cert === '' ? 'no client certificate is stored' : 'is not a PEM certificate',
        fix: `store the PEM certificate in ${where('tlsClientCert')}`,
      };
    }
    const key = goTrimSpace(value('tlsClientKey'));
    if (key === '' || !(pemType(key) ?? '').endsWith('PRIVATE KEY')) {
      return {
        field: field('tlsClientKey'),
        problem: key === '' ? 'no private key is stored' : 'is not a PEM private key',
        fix: `store the certificate's PEM private key in ${where('tlsClientKey')}`,
      };
    }
  }
  return undefined;
}

export type SecretName = 'apiKey' | 'clientSecret' | 'tlsClientCert' | 'tlsClientKey';

/** The secrets each auth kind reads from secureJsonData, under "<name>.<secret>" (as checkConnectionSecrets checks them). */
export const CONNECTION_SECRETS: Record<AuthKind, readonly SecretName[]> = {
  apiKey: ['apiKey'],
  oauth2: ['clientSecret'],
  mtls: ['tlsClientCert', 'tlsClientKey'],
};

/**
 * The secureJsonData keys a list of connections needs, in list order: for a
 * deployment that feeds each from a store. Entries without a valid name or
 * auth kind are skipped (checkConnectionList reports them).
 */
export function connectionSecureFields(connections: unknown[]): string[] {
  return connections.flatMap((c) => {
    if (!isObject(c) || typeof c.name !== 'string' || !CONNECTION_NAME.test(c.name)) {
      return [];
    }
    const auth = isSet(c.auth) ? c.auth : 'apiKey';
    const secrets = Object.hasOwn(CONNECTION_SECRETS, auth as string) ? CONNECTION_SECRETS[auth as AuthKind] : [];
    return secrets.map((s) => `${c.name}.${s}`);
  });
}

/** The type of the first PEM block in text, as Go's pem.Decode finds it (its body is not checked here). */
function pemType(text: string): string | undefined {
  return /-----BEGIN ([^\r\n-]*)-----\r?\n/.exec(text)?.[1];
}

/** What a connection holds beyond the single-connection settings. */
export interface ConnectionExtras {
  name: string;
  auth?: AuthKind;
  oauth2?: { tokenUrl: string; clientId: string; scopes?: string[] };
  minRoles?: Partial<Record<'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', RoleName>>;
  cache?: { enabled?: boolean; maxEntries?: number; maxBytes?: number };
  rateLimit?: {
    perUserPerSecond?: number;
    perUserBurst?: number;
    perConnectionPerSecond?: number;
    perConnectionBurst?: number;
  };
}
