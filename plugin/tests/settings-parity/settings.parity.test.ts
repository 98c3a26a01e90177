// The configuration page's validation against the backend's own: every case
// goes through src/settings.ts and through plugin.LoadSettings (the Go code
// that runs in Grafana, via ./main.go). They must agree, except for the few
// differences listed below on purpose.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { AppJsonData, formFromJsonData, SettingsForm, validateApiKey, validateSettings } from '../../src/settings';

const run = promisify(execFile);
const pluginRoot = path.resolve(import.meta.dirname, '../..');

interface Case {
  jsonData: AppJsonData;
  apiKey: string;
}
interface Verdict {
  ok: boolean;
  setting?: string;
}

const URL_OK = 'https://api.example.test';
const url = (apiUrl: string, allowInsecureLoopback = false): Case => ({
  jsonData: { apiUrl, allowInsecureLoopback },
  apiKey: 'k',
});
const withSetting = (jsonData: AppJsonData, apiKey = 'k'): Case => ({ jsonData: { apiUrl: URL_OK, ...jsonData }, apiKey });

// The same verdict on both sides.
const agreed: Case[] = [
  // apiUrl
  url(URL_OK),
  url('https://API.example.test:8443/v1/my%20team/'),
  url('https://api.example.test/v1/items/'),
  url('http://127.0.0.1:8080/base', true),
  url('http://127.255.255.254', true),
  url('http://localhost:3000', true),
  url('http://LOCALHOST', true),
  url('http://[::1]:9000', true),
  url('http://[0:0:0:0:0:0:0:1]', true),
  url('http://[::ffff:127.0.0.1]', true),
  url(''),
  url('not a url'),
  url('api.example.test'),
  url('https:api.example.test'),
  url('https:\\\\api.example.test'),
  url('https://user:pw@api.example.test'),
  url('https://@api.example.test'),
  url('https://api.example.test/v1?x=1'),
  url('https://api.example.test/v1?'),
  url('https://api.example.test/#top'),
  url('https://api.example.test/#'),
  url('http://api.example.test', true),
  url('http://127.0.0.1:8080'),
  url('http://127.1', true),
  url('http://0x7f.0.0.1', true),
  url('http://127.000.0.1', true),
  url('http://2130706433', true),
  url('http://[::2]', true),
  url('http://127.0.0.1.example.test', true),
  url('ftp://api.example.test'),
  url('https://api.example.test/v1/../admin'),
  url('https://api.example.test//v1'),
  url('https://api.example.test/v1%2f..'),
  url('https://api.example.test/a\\b'),
  url('https://exa mple.test'),
  url('https://api.example.test:port'),
  url('https://:443/v1'),
  // auth header and scheme
  withSetting({ authHeader: 'X-Api-Key' }),
  withSetting({ authHeader: 'x-api-key' }),
  withSetting({ authHeader: 'Bad Header' }),
  withSetting({ authHeader: 'X-Key:' }),
  withSetting({ authHeader: 'Cookie' }),
  withSetting({ authHeader: 'cookie' }),
  withSetting({ authHeader: 'Host' }),
  withSetting({ authHeader: 'Proxy-Authorization' }),
  withSetting({ authHeader: 'Transfer-Encoding' }),
  withSetting({ authHeader: 'X-Grafana-User' }),
  withSetting({ authHeader: 'x-grafana-org-id' }),
  withSetting({ authScheme: '' }),
  withSetting({ authScheme: 'Token' }),
  withSetting({ authScheme: 'two words' }),
  withSetting({ authScheme: 'Bearer:' }),
  withSetting({ authScheme: 'Bé' }),
  // numbers
  withSetting({ timeoutSeconds: 1, maxResponseBytes: 1 }),
  withSetting({ timeoutSeconds: 300, maxResponseBytes: 1073741824 }),
  withSetting({ timeoutSeconds: 0 }),
  withSetting({ timeoutSeconds: 301 }),
  withSetting({ timeoutSeconds: 2.5 }),
  withSetting({ timeoutSeconds: -1 }),
  withSetting({ maxResponseBytes: 0 }),
  withSetting({ maxResponseBytes: 1073741825 }),
  // paths
  withSetting({ allowedPaths: ['/reports', '/v1/items/', '/a%20b', '/', '/caf%C3%A9'], healthPath: '/me/' }),
  withSetting({ allowedPaths: ['/a/../b'] }),
  withSetting({ allowedPaths: ['/a/./b'] }),
  withSetting({ allowedPaths: ['/a//b'] }),
  withSetting({ allowedPaths: ['/a/%2e%2e/b'] }),
  withSetting({ allowedPaths: ['/a/%2F'] }),
  withSetting({ allowedPaths: ['/a/%25'] }),
  withSetting({ allowedPaths: ['/a/%zz'] }),
  withSetting({ allowedPaths: ['/a/%4'] }),
  withSetting({ allowedPaths: ['/a/%00'] }),
  withSetting({ allowedPaths: ['/a\\b'] }),
  withSetting({ allowedPaths: ['/a\tb'] }),
  withSetting({ allowedPaths: ['/http://evil.test'] }),
  withSetting({ allowedPaths: ['/javascript:x'] }),
  withSetting({ allowedPaths: ['/%3a/x'] }),
  withSetting({ allowedPaths: ['/' + 'a'.repeat(2048)] }),
  withSetting({ healthPath: '/a/../b' }),
  withSetting({ healthPath: '//x' }),
  // forms other servers read as dot segments (..;/, Unicode normalization)
  withSetting({ allowedPaths: ['/a/..;/b'] }),
  withSetting({ allowedPaths: ['/a/..;x=1/b'] }),
  withSetting({ allowedPaths: ['/a;jsessionid=1'] }),
  withSetting({ allowedPaths: ['/a/%3b'] }),
  withSetting({ allowedPaths: ['/a/%ef%bc%8e%ef%bc%8e/b'] }),
  withSetting({ allowedPaths: ['/a/\uff0e\uff0e/b'] }),
  withSetting({ allowedPaths: ['/a/%e2%80%a5/b'] }),
  withSetting({ allowedPaths: ['/a%ef%bc%8fb'] }),
  withSetting({ allowedPaths: ['/a/%c2%bd'] }),
  withSetting({ allowedPaths: ['/a/%c0%ae%c0%ae/b'] }),
  withSetting({ allowedPaths: ['/a/%ff'] }),
  withSetting({ allowedPaths: ['/a/...'] }),
  withSetting({ allowedPaths: ['/a/.%cc%81/b'] }),
  withSetting({ allowedPaths: ['/caf%C3%A9/\u65e5\u672c/stra\u00dfe', '/v1/items..json', '/v1/.a.'] }),
  withSetting({ healthPath: '/me/%ef%bc%8e%ef%bc%8e' }),
  url('https://api.example.test/v1;x=1'),
  url('https://api.example.test/v1/%ef%bc%8e%ef%bc%8e'),
  // CA bundle: see beforeAll for the real certificate
  withSetting({ caCertificate: 'not pem' }),
  withSetting({ caCertificate: '-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----' }),
  withSetting({ caCertificate: '-----BEGIN CERTIFICATE-----\naGVsbG8gd29ybGQh\n-----END CERTIFICATE-----' }),
  // the key
  withSetting({}, 'key with inner spaces'),
  withSetting({}, 'tab\tinside'),
  withSetting({}, 'ключ'),
  withSetting({}, ' leading-space'),
  withSetting({}, 'trailing-newline\n'),
  withSetting({}, 'header\r\ninjection: yes'),
  withSetting({}, 'nul\u0000byte'),
  withSetting({}, 'del\u007fbyte'),
];

// On purpose, the page refuses these although the backend would take them:
// each could never match a request, or is a typo the backend repairs.
const pageStricter: Case[] = [
  withSetting({ allowedPaths: ['reports'] }), // backend prepends "/"
  withSetting({ allowedPaths: ['/a b'] }), // a request path never holds a raw space
  withSetting({ allowedPaths: ['/a?b'] }), // a request path never holds "?"
  withSetting({ healthPath: 'profile' }),
];

// On purpose, the page accepts these although the backend refuses them: it
// cannot parse X.509 without a library; the backend's health check, shown
// after Save, names caCertificate.
const pageLooser: Case[] = [
  withSetting({ caCertificate: '-----BEGIN CERTIFICATE-----\nMIIBmTCCAT+gAwIBAg==\n-----END CERTIFICATE-----' }),
];

function pageVerdict({ jsonData, apiKey }: Case): Verdict {
  const errors = validateSettings(formFromJsonData(jsonData));
  const settings = Object.keys(errors) as Array<keyof SettingsForm>;
  if (settings.length > 0) {
    return { ok: false, setting: settings[0] };
  }
  return validateApiKey(apiKey) ? { ok: false, setting: 'apiKey' } : { ok: true };
}

let work: string;
let parityBin: string;
let realCA: string;

async function backendVerdicts(cases: Case[]): Promise<Verdict[]> {
  const child = spawn(parityBin, [], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  child.stdin.end(JSON.stringify(cases));
  expect(await exited).toBe(0);
  return (JSON.parse(out) as Verdict[]).map((v) => ({ ...v, setting: v.setting?.replace(/\[\d+\]$/, '') }));
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'settings-parity-'));
  parityBin = path.join(work, 'settings-parity');
  try {
    await run('go', ['build', '-o', parityBin, './tests/settings-parity'], { cwd: pluginRoot, env: process.env });
  } catch (err) {
    throw new Error(
      `could not build the backend's settings check (needs Go, see scripts/env.sh): ${(err as Error).message}`,
      { cause: err }
    );
  }
  realCA = await readFile(path.join(import.meta.dirname, 'testdata/ca.pem'), 'utf8');
}, 300_000);

afterAll(async () => {
  if (work) {
    await rm(work, { recursive: true, force: true });
  }
});

describe('the configuration page validates settings as the backend does', () => {
  it('gives the same verdict, for the same setting, on every case', async () => {
    const cases = [...agreed, withSetting({ caCertificate: realCA })];
    const backend = await backendVerdicts(cases);
    const differences = cases
      .map((c, i) => ({ case: c, page: pageVerdict(c), backend: backend[i] }))
      .filter((d) => d.page.ok !== d.backend.ok || d.page.setting !== d.backend.setting);
    expect(differences).toEqual([]);
    // Both verdicts occur: the table is not all-accept or all-refuse.
    expect(backend.filter((v) => v.ok).length).toBeGreaterThan(10);
    expect(backend.filter((v) => !v.ok).length).toBeGreaterThan(40);
  });

  it('differs only where listed: stricter on paths, looser on the CA bundle', async () => {
    const backend = await backendVerdicts([...pageStricter, ...pageLooser]);
    expect(backend.map((v) => v.ok)).toEqual([...pageStricter.map(() => true), ...pageLooser.map(() => false)]);
    expect(pageStricter.map((c) => pageVerdict(c).ok)).toEqual(pageStricter.map(() => false));
    expect(pageLooser.map((c) => pageVerdict(c).ok)).toEqual(pageLooser.map(() => true));
  });
});
