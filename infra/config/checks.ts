// Field checks shared by config/validate.ts and each secret source's
// secretSource validation (config/secret-source.ts): each problem names the field,
// what is wrong and the fix.
import { existsSync, statSync } from 'node:fs';
import { withoutUserinfo } from '../bin/secret-readers/redact';
import { ENV_VARIABLE_NAME, KV_PATH, TF_VARIABLE_NAME } from '../constructs/prop-checks';

export type Add = (field: string, problem: string, fix: string) => void;

/** What a validation step gets: where to report, and how to resolve a config path. */
export interface Checks {
  add: Add;
  /** A path from the config, resolved against the repository root. */
  path: (p: string) => string;
}

// The library's rules (infra/constructs/prop-checks.ts), here under the config's names.
export const ENV_NAME = ENV_VARIABLE_NAME;
export const TF_VAR_NAME = TF_VARIABLE_NAME;
export const KV_SEGMENT = KV_PATH;
/** A PostgreSQL schema name as the pg backend takes it unquoted. */
export const PG_SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;

function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

export function checkUrl(
  raw: string | undefined,
  field: string,
  allowPath: boolean,
  add: Add,
  allowLoopbackHttp = true
): URL | undefined {
  // A message quotes the URL without its user:password (issue: no credential in any error).
  const shown = withoutUserinfo(raw);
  let u: URL;
  try {
    u = new URL(raw ?? '');
  } catch {
    add(field, `"${shown}" is not a URL`, 'give an absolute https:// URL');
    return undefined;
  }
  if (u.username || u.password) {
    add(
      field,
      'contains credentials',
      'remove user:password from the URL; credentials come from an environment variable or secrets store'
    );
  }
  if (u.protocol === 'http:' && !(allowLoopbackHttp && isLoopback(u.hostname))) {
    add(
      field,
      `"${shown}" uses plain http to a non-loopback host`,
      'use https:// (plain http is accepted only for 127.0.0.1, ::1 or localhost)'
    );
  } else if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    add(field, `"${shown}" uses the ${u.protocol} scheme`, 'use https://');
  }
  if (u.search || u.hash) add(field, 'has a query or fragment', 'remove everything after ? or #');
  if (!allowPath && u.pathname !== '/') add(field, 'has a path', 'give only scheme, host and port');
  return u;
}

export function checkFile(p: string | undefined, field: string, path: (p: string) => string, add: Add) {
  if (p === undefined) return;
  if (!p || !existsSync(path(p)) || !statSync(path(p)).isFile()) {
    add(
      field,
      `file "${p}" does not exist`,
      'give the path of an existing file (relative paths are from the repository root)'
    );
  }
}

export function checkVersion(v: number | undefined, field: string, required: boolean, add: Add) {
  if (v === undefined && !required) return;
  if (!Number.isInteger(v) || (v as number) < 1) {
    add(field, `${v} is not a version`, 'use a whole number >= 1 and raise it each time the key is rotated');
  }
}
