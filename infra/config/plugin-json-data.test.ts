import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkPluginJsonData } from './plugin-json-data';

// The rules are the plugin's settings contract, held to the Go backend by
// plugin/tests/settings-parity (which runs this validator too); these tests
// show the messages a deployment gets and what infra adds: the CA bundle as
// a file, parsed with Node's X.509 parser, and no unknown keys.

const dir = mkdtempSync(join(tmpdir(), 'kit-jsondata-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// A test CA's certificate (public), committed for the settings parity test.
const realCA = readFileSync(resolve(import.meta.dirname, '../../plugin/tests/settings-parity/testdata/ca.pem'), 'utf8');

function problemsOf(jsonData: unknown): string[] {
  const out: string[] = [];
  checkPluginJsonData(jsonData, {
    add: (field, problem, fix) => out.push(`${field}: ${problem}. Fix: ${fix}`),
    path: (p) => resolve(dir, p),
  });
  return out;
}

function pemFile(name: string, content: string): string {
  writeFileSync(join(dir, name), content);
  return name;
}

const API = 'https://api.example.test/v1';

describe('checkPluginJsonData', () => {
  it('accepts the settings the plugin accepts, a CA bundle file included', () => {
    expect(problemsOf({ apiUrl: API })).toEqual([]);
    expect(
      problemsOf({
        apiUrl: 'http://127.0.0.1:8080',
        allowInsecureLoopback: true,
        authHeader: 'X-Api-Key',
        authScheme: '',
        allowedPaths: ['/v1/items', 'reports'],
        healthPath: '/me',
        timeoutSeconds: 300,
        maxResponseBytes: 1,
      })
    ).toEqual([]);
    expect(problemsOf({ apiUrl: API, caCertificateFile: pemFile('ca.pem', realCA) })).toEqual([]);
  });

  // What `npm run deploy` accepted before the contract, and the plugin then refused (issue 11).
  it.each([
    [
      { authHeader: 'Cookie' },
      'plugin.jsonData.authHeader: "Cookie" cannot carry the API key. Fix: use a name such as Authorization or X-Api-Key; framing, routing and cookie headers and X-Grafana-* are refused',
    ],
    [{ authHeader: 'Host' }, 'plugin.jsonData.authHeader: "Host" cannot carry the API key. Fix: '],
    [
      { authScheme: 'Bearer/v2' },
      'plugin.jsonData.authScheme: "Bearer/v2" is not a single word such as Bearer or Token. Fix: set the word the API expects before the key, or "" to send the raw key',
    ],
    [
      { apiUrl: 'http://127.1', allowInsecureLoopback: true },
      'plugin.jsonData.apiUrl: "http://127.1" uses plain http to a host that is not a loopback address. Fix: use https://; plain http is allowed only with allowInsecureLoopback, to a loopback address written as 127.x.y.z in four decimal numbers',
    ],
    [
      { apiUrl: 'http://0x7f.0.0.1', allowInsecureLoopback: true },
      'plugin.jsonData.apiUrl: "http://0x7f.0.0.1" uses plain http to a host that is not a loopback address. Fix: ',
    ],
    [
      { apiUrl: 'http://2130706433', allowInsecureLoopback: true },
      'plugin.jsonData.apiUrl: "http://2130706433" uses plain http to a host that is not a loopback address. Fix: ',
    ],
    [
      { allowedPaths: ['/a/..;/b'] },
      'plugin.jsonData.allowedPaths[0]: "/a/..;/b" is not a usable path prefix (the path contains a semicolon (servers that strip ;parameters read "..;/" as "../")). Fix: use a plain path such as /v1/items',
    ],
    [
      { allowedPaths: ['/ok', '/a/\uff0e\uff0e/b'] },
      'plugin.jsonData.allowedPaths[1]: "/a/\uff0e\uff0e/b" is not a usable path prefix (the path contains U+FF0E "\uff0e", which is not a letter or digit',
    ],
    [
      { allowedPaths: ['/a/%2e%2e/b'] },
      'plugin.jsonData.allowedPaths[0]: "/a/%2e%2e/b" is not a usable path prefix (the path contains a percent-encoded dot',
    ],
    [
      { healthPath: '/me//x' },
      'plugin.jsonData.healthPath: "/me//x" is not a usable path (the path contains an empty segment (//)). Fix: use a plain path such as /profile that answers GET when the key is valid',
    ],
    [
      { apiUrl: 'https://api.example.test:8443:9443' },
      'plugin.jsonData.apiUrl: "https://api.example.test:8443:9443" is not a URL. Fix: write it as https://host[:port][/base/path]',
    ],
  ])('refuses %j as the plugin does', (settings, message) => {
    const problems = problemsOf({ apiUrl: API, ...settings });
    expect(problems).toHaveLength(1);
    expect(problems[0].startsWith(message)).toBe(true);
  });

  it('names a value of the wrong type, as a JSON config can hold one', () => {
    expect(
      problemsOf({ apiUrl: API, allowInsecureLoopback: 'true', allowedPaths: '/items', timeoutSeconds: '30' })
    ).toEqual([
      'plugin.jsonData.allowInsecureLoopback: is "true", not true or false. Fix: set true or false, without quotes',
      'plugin.jsonData.allowedPaths: is "/items", not a list of strings. Fix: give a list of path prefixes, e.g. ["/v1/items"]',
      'plugin.jsonData.timeoutSeconds: is "30", not a number. Fix: set a whole number of seconds from 1 to 300',
    ]);
    expect(problemsOf(['https://api.example.test'])).toEqual([
      'plugin.jsonData: is not an object. Fix: give the settings as an object, e.g. { apiUrl: "https://api.example.com/v1" }',
    ]);
  });

  it('reads no settings as the plugin does: apiUrl is then empty', () => {
    expect(problemsOf(undefined)).toEqual([
      'plugin.jsonData.apiUrl: is empty. Fix: set it to the https base URL of the API, e.g. https://api.example.com/v1',
    ]);
  });

  it('refuses a key the plugin does not know: jsonData reaches Grafana as it stands', () => {
    expect(problemsOf({ apiUrl: API, timeoutSecond: 10 })).toEqual([
      'plugin.jsonData.timeoutSecond: is not a setting of the plugin. Fix: remove it or correct its spelling; the settings are apiUrl, authHeader, authScheme, timeoutSeconds, maxResponseBytes, allowInsecureLoopback, allowedPaths, healthPath, caCertificateFile',
    ]);
    expect(problemsOf({ apiUrl: API, caCertificate: realCA })[0]).toMatch(
      /^plugin\.jsonData\.caCertificate: is not a setting of the plugin\. Fix: give the CA bundle as a file, in caCertificateFile/
    );
  });

  it("checks the CA bundle file: it exists and holds a certificate Node's X.509 parser reads", () => {
    expect(problemsOf({ apiUrl: API, caCertificateFile: 'none.pem' })).toEqual([
      'plugin.jsonData.caCertificateFile: file "none.pem" does not exist. Fix: give the path of an existing file (relative paths are from the repository root)',
    ]);
    expect(
      problemsOf({
        apiUrl: API,
        caCertificateFile: pemFile(
          'key.pem',
          '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n'
        ),
      })
    ).toEqual([
      "plugin.jsonData.caCertificateFile: contains no PEM certificate. Fix: paste the CA bundle that signed the API's certificate (-----BEGIN CERTIFICATE----- ...), or leave it empty to use the system roots",
    ]);
    // The outline of a certificate (what a browser can check) around nonsense: Node's parser, like Go's, refuses it.
    const tlv = (tag: number, ...body: number[][]) => [tag, body.flat().length, ...body.flat()];
    const tbs = tlv(0x30, tlv(0x02, [1]), ...Array.from({ length: 5 }, () => tlv(0x30)));
    const outline = Buffer.from(tlv(0x30, tbs, tlv(0x30), tlv(0x03, [0])));
    const pem = `-----BEGIN CERTIFICATE-----\n${outline.toString('base64')}\n-----END CERTIFICATE-----\n`;
    expect(problemsOf({ apiUrl: API, caCertificateFile: pemFile('outline.pem', pem) })).toEqual([
      expect.stringMatching(/^plugin\.jsonData\.caCertificateFile: contains no PEM certificate\./),
    ]);
  });

  it('reports every problem at once, in the order the plugin finds them', () => {
    const problems = problemsOf({ apiUrl: 'ftp://x', healthPath: '/..', authHeader: 'Cookie', timeoutSeconds: 0 });
    expect(problems.map((p) => p.split(':')[0])).toEqual([
      'plugin.jsonData.apiUrl',
      'plugin.jsonData.authHeader',
      'plugin.jsonData.timeoutSeconds',
      'plugin.jsonData.healthPath',
    ]);
  });
});

describe('checkPluginJsonData on a connections list', () => {
  it('accepts named connections, each CA bundle as a file, and names the connection in every problem', () => {
    const ca = pemFile('conn-ca.pem', realCA);
    expect(
      problemsOf({
        connections: [
          { name: 'billing', apiUrl: API, caCertificateFile: ca, allowedPaths: ['/v1/invoices'] },
          {
            name: 'crm',
            apiUrl: API,
            auth: 'oauth2',
            oauth2: { tokenUrl: 'https://auth.example.test/t', clientId: 'kit' },
          },
        ],
      })
    ).toEqual([]);
    expect(
      problemsOf({ connections: [{ name: 'billing', apiUrl: API, caCertificateFile: pemFile('conn-bad.pem', 'x') }] })
    ).toEqual([expect.stringMatching(/^plugin\.jsonData\.connections\[0\] \(billing\)\.caCertificateFile: /)]);
    expect(problemsOf({ connections: [{ name: 'billing', apiUrl: API, caCertificate: realCA, timeout: 3 }] })).toEqual([
      expect.stringMatching(/^plugin\.jsonData\.connections\[0\]\.caCertificate: is not a setting of a connection/),
      expect.stringMatching(/^plugin\.jsonData\.connections\[0\]\.timeout: is not a setting of a connection/),
    ]);
    expect(problemsOf({ apiUrl: API, connections: [{ name: 'billing', apiUrl: API }] })).toEqual([
      expect.stringMatching(/^plugin\.jsonData\.apiUrl: is set beside connections/),
    ]);
  });
});
