// The plugin's jsonData in a deployment, checked with the plugin's own
// settings contract (plugin/src/contract/settingsContract.ts), the one the
// configuration page uses and plugin/tests/settings-parity holds to the Go
// backend's LoadSettings: what passes here, the plugin accepts. Two things
// are infra's own: the CA bundle is given as a file (caCertificateFile,
// read into jsonData.caCertificate by the settings stack), parsed here with
// Node's X.509 parser; and jsonData is sent to Grafana as it stands, so a key
// the plugin does not know - a misspelling the plugin would ignore - is refused.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { checkJsonData, JSON_DATA_KEYS } from '../../plugin/src/contract/settingsContract';
import { checkFile, type Checks } from './checks';

const CONFIG_KEYS: readonly string[] = [...JSON_DATA_KEYS.filter((k) => k !== 'caCertificate'), 'caCertificateFile'];
// What one entry of connections may hold (plugin/src/contract/connections.ts).
const CONNECTION_KEYS: readonly string[] = [...CONFIG_KEYS, 'name', 'auth', 'oauth2', 'minRoles', 'cache', 'rateLimit'];

/** Checks plugin.jsonData; every problem is reported under plugin.jsonData.<setting>. */
export function checkPluginJsonData(jsonData: unknown, { add, path }: Checks) {
  const at = (field: string) => `plugin.jsonData.${field}`;
  // No settings read as the plugin reads them: apiUrl is then empty.
  const given: unknown = jsonData ?? {};
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    add(
      'plugin.jsonData',
      'is not an object',
      'give the settings as an object, e.g. { apiUrl: "https://api.example.com/v1" }'
    );
    return;
  }
  const { caCertificateFile, connections, ...settings } = given as Record<string, unknown>;
  for (const key of Object.keys(given).filter((k) => !CONFIG_KEYS.includes(k) && k !== 'connections')) {
    const fix =
      key === 'caCertificate'
        ? 'give the CA bundle as a file, in caCertificateFile'
        : `remove it or correct its spelling; the settings are ${CONFIG_KEYS.join(', ')}`;
    add(at(key), 'is not a setting of the plugin', fix);
  }
  const caCertificate = readCaFile(caCertificateFile, at('caCertificateFile'), { add, path });
  const checked: Record<string, unknown> = caCertificate === undefined ? settings : { ...settings, caCertificate };
  if (connections !== undefined) {
    checked.connections = Array.isArray(connections)
      ? connections.map((c, i) => connectionAsStored(c, `connections[${i}]`, { add, path }))
      : connections;
  }
  for (const p of checkJsonData(checked, { parseCertificate })) {
    add(at(p.field.replace(/(^|\.)caCertificate$/, '$1caCertificateFile')), p.problem, p.fix);
  }
}

/** A connection as the plugin will store it: its CA file read into caCertificate; keys it does not know refused. */
function connectionAsStored(entry: unknown, field: string, { add, path }: Checks): unknown {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    return entry;
  }
  const { caCertificateFile, ...rest } = entry as Record<string, unknown>;
  for (const key of Object.keys(entry).filter((k) => !CONNECTION_KEYS.includes(k))) {
    add(
      `plugin.jsonData.${field}.${key}`,
      'is not a setting of a connection',
      `remove it or correct its spelling; a connection's settings are ${CONNECTION_KEYS.join(', ')}`
    );
  }
  const caCertificate = readCaFile(caCertificateFile, `plugin.jsonData.${field}.caCertificateFile`, { add, path });
  return caCertificate === undefined ? rest : { ...rest, caCertificate };
}

/** Reads a CA bundle file named in the config, reporting a bad path under field. */
function readCaFile(file: unknown, field: string, { add, path }: Checks): string | undefined {
  if (file === undefined) {
    return undefined;
  }
  if (typeof file !== 'string') {
    add(field, 'is not a file path', 'give the path of a PEM file (relative paths are from the repository root)');
    return undefined;
  }
  let found = true;
  checkFile(file, field, path, (...problem) => {
    found = false;
    add(...problem);
  });
  return found ? readFileSync(path(file), 'utf8') : undefined;
}

// Node's X.509 parser (OpenSSL), closer to Go's x509.ParseCertificate than
// the outline check a browser can do.
function parseCertificate(der: Uint8Array): boolean {
  try {
    new X509Certificate(der);
    return true;
  } catch {
    return false;
  }
}
