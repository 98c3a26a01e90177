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
  const { caCertificateFile, ...settings } = given as Record<string, unknown>;
  for (const key of Object.keys(given).filter((k) => !CONFIG_KEYS.includes(k))) {
    const fix =
      key === 'caCertificate'
        ? 'give the CA bundle as a file, in caCertificateFile'
        : `remove it or correct its spelling; the settings are ${CONFIG_KEYS.join(', ')}`;
    add(at(key), 'is not a setting of the plugin', fix);
  }
  let caCertificate: string | undefined;
  if (caCertificateFile !== undefined) {
    if (typeof caCertificateFile !== 'string') {
      add(
        at('caCertificateFile'),
        'is not a file path',
        'give the path of a PEM file (relative paths are from the repository root)'
      );
    } else {
      let found = true;
      checkFile(caCertificateFile, at('caCertificateFile'), path, (...problem) => {
        found = false;
        add(...problem);
      });
      if (found) caCertificate = readFileSync(path(caCertificateFile), 'utf8');
    }
  }
  const checked = caCertificate === undefined ? settings : { ...settings, caCertificate };
  for (const p of checkJsonData(checked, { parseCertificate })) {
    add(at(p.field === 'caCertificate' ? 'caCertificateFile' : p.field), p.problem, p.fix);
  }
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
