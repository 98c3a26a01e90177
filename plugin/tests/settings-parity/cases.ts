// The cases the parity test runs through the Go backend, the configuration
// page and the infra validator. Hand-written ones name what they probe;
// generated ones cross the parts of a URL and of a path that parsers read
// differently, so a disagreement the hand-written list misses still shows.
import type { Case } from './validators';

const URL_OK = 'https://api.example.test';

const url = (apiUrl: string, allowInsecureLoopback = false): Case => ({
  jsonData: { apiUrl, allowInsecureLoopback },
  apiKey: 'k',
});
export const withSetting = (jsonData: Record<string, unknown>, apiKey = 'k'): Case => ({
  jsonData: { apiUrl: URL_OK, ...jsonData },
  apiKey,
});

/**
 * Before the shared contract, the infra validator accepted each of these
 * (and `npm run deploy` succeeded) while the plugin then said "not
 * configured" (issue 11). All three sides must now refuse them.
 */
export const formerlyDeployable: Case[] = [
  withSetting({ authHeader: 'Cookie' }),
  withSetting({ authHeader: 'Host' }),
  withSetting({ authHeader: 'X-Grafana-User' }),
  withSetting({ authScheme: 'Bearer/v2' }),
  withSetting({ authScheme: 'a/b' }),
  url('http://127.1', true),
  url('http://0x7f.0.0.1', true),
  url('http://2130706433', true),
  url('http://127.000.0.1', true),
  withSetting({ allowedPaths: ['/a/..;/b'] }),
  withSetting({ allowedPaths: ['/a/%2e%2e/b'] }),
  withSetting({ allowedPaths: ['/a/\uff0e\uff0e/b'] }),
  withSetting({ allowedPaths: ['/a//b'] }),
  withSetting({ allowedPaths: ['/a\\b'] }),
  withSetting({ allowedPaths: ['/a;jsessionid=1'] }),
  withSetting({ allowedPaths: ['/http://evil.test'] }),
  withSetting({ healthPath: '/me/..' }),
  withSetting({ healthPath: '/me/%2e%2e' }),
  withSetting({ healthPath: '/me;x' }),
  url('https://api.example.test/v1/..;/admin'),
  url('https://api.example.test:8443:9443'),
  url('https://[127.0.0.1]'),
];

/** The same verdict on every side, for every jsonData the page can show. */
export const agreed: Case[] = [
  // apiUrl
  url(URL_OK),
  url('https://API.example.test:8443/v1/my%20team/'),
  url('https://api.example.test/v1/items/'),
  url('https://api.example.test:99999'),
  url('https://api.example.test:'),
  url('  https://api.example.test  '),
  url('http://127.0.0.1:8080/base', true),
  url('http://127.255.255.254', true),
  url('http://localhost:3000', true),
  url('http://LOCALHOST', true),
  url('http://localho\u017ft', true), // Go's strings.EqualFold folds "ſ" to "s"
  url('http://[::1]:9000', true),
  url('http://[0:0:0:0:0:0:0:1]', true),
  url('http://[::ffff:127.0.0.1]', true),
  url('http://[::127.0.0.1]', true),
  url('http://[::1%25eth0]', true),
  url('https://[fe80::1%25eth0]:8443'),
  url(''),
  url('not a url'),
  url('api.example.test'),
  url('//api.example.test'),
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
  url('http://[::2]', true),
  url('http://127.0.0.1.example.test', true),
  url('ftp://api.example.test'),
  url('HTTPS://api.example.test'),
  url('https://api.example.test/v1/../admin'),
  url('https://api.example.test//v1'),
  url('https://api.example.test/v1%2f..'),
  url('https://api.example.test/a\\b'),
  url('https://api.example.test/a%2Fb c'),
  url('https://api.example.test/a b'),
  url('https://api.example.test/caf\u00e9'),
  url('https://b\u00fccher.example.test'),
  url('https://exa mple.test'),
  url('https://exa%20mple.test'),
  url('https://exa%C3%A9mple.test'),
  url('https://api.example.test:port'),
  url('https://:443/v1'),
  url('https://[::1'),
  url('https://[zz::1]'),
  url('https://a[b]'),
  url('https://api.example.test/v1;x=1'),
  url('https://api.example.test/v1/%ef%bc%8e%ef%bc%8e'),
  url('https://api.example.test/%zz'),
  url('https://api.example.test\u0085'),
  url('https://api.example.test\ufeff'),
  // auth header and scheme
  withSetting({ authHeader: 'X-Api-Key' }),
  withSetting({ authHeader: 'x-api-key' }),
  withSetting({ authHeader: ' X-Api-Key ' }),
  withSetting({ authHeader: 'Bad Header' }),
  withSetting({ authHeader: 'X-Key:' }),
  withSetting({ authHeader: 'cookie' }),
  withSetting({ authHeader: 'Proxy-Authorization' }),
  withSetting({ authHeader: 'Transfer-Encoding' }),
  withSetting({ authHeader: 'x-grafana-org-id' }),
  withSetting({ authHeader: 'X_Grafana-Org' }),
  withSetting({ authHeader: 'Authorizati\u00f6n' }),
  withSetting({ authScheme: '' }),
  withSetting({ authScheme: 'Token' }),
  withSetting({ authScheme: 'two words' }),
  withSetting({ authScheme: 'Bearer:' }),
  withSetting({ authScheme: 'B\u00e9' }),
  // numbers
  withSetting({ timeoutSeconds: 1, maxResponseBytes: 1 }),
  withSetting({ timeoutSeconds: 300, maxResponseBytes: 1073741824 }),
  withSetting({ timeoutSeconds: 0 }),
  withSetting({ timeoutSeconds: 301 }),
  withSetting({ timeoutSeconds: 2.5 }),
  withSetting({ timeoutSeconds: -1 }),
  withSetting({ timeoutSeconds: 1e3 }),
  withSetting({ maxResponseBytes: 0 }),
  withSetting({ maxResponseBytes: 1073741825 }),
  // paths
  withSetting({ allowedPaths: ['/reports', '/v1/items/', '/a%20b', '/', '/caf%C3%A9'], healthPath: '/me/' }),
  withSetting({ allowedPaths: ['reports', '/a b', '/a?b'], healthPath: 'profile' }),
  withSetting({ allowedPaths: ['/a/../b'] }),
  withSetting({ allowedPaths: ['/a/./b'] }),
  withSetting({ allowedPaths: ['/a/%2F'] }),
  withSetting({ allowedPaths: ['/a/%25'] }),
  withSetting({ allowedPaths: ['/a/%zz'] }),
  withSetting({ allowedPaths: ['/a/%4'] }),
  withSetting({ allowedPaths: ['/a/%00'] }),
  withSetting({ allowedPaths: ['/javascript:x'] }),
  withSetting({ allowedPaths: ['/%3a/x'] }),
  withSetting({ allowedPaths: ['/' + 'a'.repeat(2047)] }),
  withSetting({ allowedPaths: ['/' + 'a'.repeat(2048)] }),
  withSetting({ allowedPaths: ['/' + '\u00e9'.repeat(1023)] }),
  withSetting({ allowedPaths: ['/' + '\u00e9'.repeat(1024)] }),
  withSetting({ allowedPaths: ['/ok', '/also-ok', '/a/../b'] }),
  withSetting({ healthPath: '/a/../b' }),
  withSetting({ healthPath: '//x' }),
  withSetting({ healthPath: ' /me ' }),
  // forms other servers read as dot segments (..;/, Unicode normalization)
  withSetting({ allowedPaths: ['/a/..;x=1/b'] }),
  withSetting({ allowedPaths: ['/a/%3b'] }),
  withSetting({ allowedPaths: ['/a/%ef%bc%8e%ef%bc%8e/b'] }),
  withSetting({ allowedPaths: ['/a/%e2%80%a5/b'] }),
  withSetting({ allowedPaths: ['/a%ef%bc%8fb'] }),
  withSetting({ allowedPaths: ['/a/%c2%bd'] }),
  withSetting({ allowedPaths: ['/a/%c0%ae%c0%ae/b'] }),
  withSetting({ allowedPaths: ['/a/%ff'] }),
  withSetting({ allowedPaths: ['/a/...'] }),
  withSetting({ allowedPaths: ['/a/. ./b'] }),
  withSetting({ allowedPaths: ['/a/.%cc%81/b'] }),
  withSetting({ allowedPaths: ['/a/\u2024\u2024/b'] }),
  withSetting({ allowedPaths: ['/a/\u2488'] }),
  withSetting({ allowedPaths: ['/a\u2215b'] }),
  withSetting({ allowedPaths: ['/caf%C3%A9/\u65e5\u672c/stra\u00dfe', '/v1/items..json', '/v1/.a.'] }),
  withSetting({ healthPath: '/me/%ef%bc%8e%ef%bc%8e' }),
  // CA bundle (a real certificate is added by the test, from testdata/ca.pem)
  withSetting({ caCertificate: 'not pem' }),
  withSetting({ caCertificate: '-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----' }),
  withSetting({ caCertificate: '-----BEGIN CERTIFICATE-----\naGVsbG8gd29ybGQh\n-----END CERTIFICATE-----' }),
  withSetting({ caCertificate: '-----BEGIN CERTIFICATE-----\nMIIBmTCCAT+gAwIBAg==\n-----END CERTIFICATE-----' }),
  withSetting({ caCertificate: '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----' }),
  // several problems: every side names the first the backend finds
  withSetting({ apiUrl: 'http://api.example.test', authHeader: 'Cookie', timeoutSeconds: 0 }),
  withSetting({ authScheme: 'a b', healthPath: '/..' }),
  withSetting({ maxResponseBytes: 0, allowedPaths: ['/..'] }),
  withSetting({ healthPath: '/..', allowedPaths: ['/%2e'] }),
];

/** The stored key: the backend and the page check it; a deployment never holds it. */
export const keys: Case[] = [
  withSetting({}, 'key-with.only_token~chars'),
  withSetting({}, 'key with inner spaces'),
  withSetting({}, 'tab\tinside'),
  withSetting({}, '\u043a\u043b\u044e\u0447'),
  withSetting({}, ''),
  withSetting({}, '   '),
  withSetting({}, ' leading-space'),
  withSetting({}, 'trailing-newline\n'),
  withSetting({}, 'trailing-nel\u0085'),
  withSetting({}, 'header\r\ninjection: yes'),
  withSetting({}, 'nul\u0000byte'),
  withSetting({}, 'del\u007fbyte'),
];

/**
 * jsonData of the wrong JSON type: Grafana stores what the settings API is
 * given, and a deployment's config may be JSON (KIT_CONFIG). The page never
 * sends these: its controls are typed.
 */
export const mistyped: Case[] = [
  withSetting({ timeoutSeconds: '30' }),
  withSetting({ allowInsecureLoopback: 'true' }),
  withSetting({ allowedPaths: '/items' }),
  withSetting({ allowedPaths: ['/a', 1] }),
  withSetting({ authHeader: 7 }),
  withSetting({ healthPath: ['/profile'] }),
  withSetting({ apiUrl: { href: URL_OK } }),
  withSetting({ healthPath: '/..', timeoutSeconds: '1' }),
  withSetting({ timeoutSeconds: null, authHeader: null, allowedPaths: null }),
  withSetting({ allowedPaths: [null] }),
  { jsonData: null, apiKey: 'k' },
  { jsonData: [URL_OK], apiKey: 'k' },
  { jsonData: 'https://api.example.test', apiKey: 'k' },
];

/**
 * The page repairs these as it shows them (an emptied field with a
 * placeholder means its default, a list's lines are trimmed), so what it
 * would save differs from what is stored: the test checks that what it
 * saves is what the backend accepts.
 */
export const pageRepairs: Case[] = [
  withSetting({ authHeader: '' }),
  withSetting({ healthPath: '' }),
  withSetting({ allowedPaths: [' /a', '', '/b '] }),
];

// A generated cross of URL parts: schemes, hosts (names, every IPv4 and
// IPv6 spelling parsers disagree on), ports and base paths.
const SCHEMES = ['https://', 'http://', 'HTTP://', 'https:/', 'https:///'];
const HOSTS = [
  'api.example.test',
  'localhost',
  'LocalHost',
  '127.0.0.1',
  '127.1',
  '127.0.1',
  '0177.0.0.1',
  '0x7f000001',
  '127.0.0.01',
  '10.0.0.5',
  '169.254.169.254',
  '0.0.0.0',
  '8.8.8.8',
  '[::1]',
  '[::]',
  '[::ffff:127.0.0.1]',
  '[::ffff:7f00:1]',
  '[::ffff:10.0.0.5]',
  '[64:ff9b::7f00:1]',
  '[64:ff9b::808:808]',
  '[fe80::1%25en0]',
  '[fe80::1%en0]',
  '[fc00::1]',
  '[2001:db8::1]',
  '[2606:4700::1111]',
  '[::1:2:3:4:5:6:7]',
  '[1:2:3:4:5:6:7:8:9]',
  '[1::2::3]',
  '[::ffff:127.0.0.256]',
  '[00001::1]',
  '[1:2:3:4:5:6:1.2.3.4]',
  '[1:2:3:4:5:6:7:1.2.3.4]',
  '::1',
  'a_b.example.test',
  'a~b.example.test',
  'a{b}.example.test',
  'a|b.example.test',
  'a"b.example.test',
  'xn--bcher-kva.example',
  'b\u00fccher.example',
  'ex%41mple.test',
  'ex%C3%A4mple.test',
  '',
];
const PORTS = ['', ':443', ':', ':0', ':65536', ':8x', '::443'];
const PATHS = [
  '',
  '/',
  '/v1/',
  '/v1;x',
  '/v1/%2e',
  '/%7e',
  '/~',
  '/a%2Fb',
  '/a b',
  '/a"b',
  '/a|b',
  '/%C3%A9',
  '/\u00e9',
  '/a/..',
  '/a//b',
  '/a?x',
  '/a#x',
];

export function generatedUrls(): Case[] {
  const out: Case[] = [];
  // allowInsecureLoopback on for half the cases, spread over every part.
  const add = (text: string) => out.push(url(text, text.length % 2 === 0));
  for (const host of HOSTS) {
    for (const scheme of SCHEMES) {
      for (const port of PORTS) {
        add(scheme + host + port);
      }
    }
    for (const base of PATHS) {
      add('https://' + host + base);
    }
  }
  return out;
}

// A generated cross of path segments and escapes for allowedPaths and healthPath.
const SEGMENTS = [
  'a',
  '.',
  '..',
  '...',
  '.a',
  'a.',
  '%2e',
  '%2E%2e',
  '.%2e',
  '%2f',
  '%5c',
  '%25',
  '%3b',
  ';',
  '..;',
  '%3a',
  ':',
  '%41',
  '%c3%a9',
  '\u00e9',
  'e\u0301',
  '.\u0301',
  '\uff0e',
  '\u2024',
  '\u00bd',
  '\u2082',
  '%c0%ae',
  '%e2%80%ae',
  ' ',
  '. .',
  '~',
  '%7e',
  '@',
  '$',
  "'",
  '%20',
  'a b',
  '?',
  '#',
  '%3f',
  '%23',
  '',
];

export function generatedPaths(): Case[] {
  const out: Case[] = [];
  for (const first of SEGMENTS) {
    for (const second of ['', 'b', '..', '%2e%2e']) {
      const path = second === '' ? `/${first}` : `/${first}/${second}`;
      out.push(withSetting({ allowedPaths: [path] }));
      out.push(withSetting({ healthPath: path }));
      out.push(url(`${URL_OK}${path}`));
    }
  }
  return out;
}

const TOKEN_URL = 'https://auth.example.test/oauth/token';
const conn = (name: unknown, extra: Record<string, unknown> = {}) => ({ name, apiUrl: URL_OK, ...extra });
const oauth2 = (block: unknown) => ({ auth: 'oauth2', oauth2: block });
/** A connections list with its secrets: every connection gets its kind's secret unless secure says otherwise. */
const connectionsCase = (
  connections: unknown,
  secure?: Record<string, string>,
  extra: Record<string, unknown> = {}
): Case => {
  const defaults: Record<string, string> = {};
  if (Array.isArray(connections)) {
    for (const c of connections as Array<Record<string, unknown>>) {
      const secret = c?.auth === 'oauth2' ? 'clientSecret' : 'apiKey';
      defaults[`${String(c?.name)}.${secret}`] = 'k';
    }
  }
  return { jsonData: { ...extra, connections }, apiKey: 'k', secure: secure ?? defaults };
};

/** The list form: the same verdict from the backend, the contract the page uses, and infra. */
export const connectionCases: Case[] = [
  // accepted
  connectionsCase([conn('billing'), conn('crm-2', { apiUrl: 'https://crm.example.test/v2', allowedPaths: ['/v2'] })]),
  connectionsCase([
    conn('a', { minRoles: { POST: 'Admin', GET: 'Editor' }, cache: { enabled: true, maxEntries: 10 } }),
  ]),
  connectionsCase([
    conn('a', { rateLimit: { perUserPerSecond: 0.5, perConnectionPerSecond: 50, perConnectionBurst: 100 } }),
  ]),
  connectionsCase([conn('a', oauth2({ tokenUrl: TOKEN_URL, clientId: 'kit', scopes: ['read', 'write:all'] }))]),
  connectionsCase([
    conn('a', {
      apiUrl: 'http://127.0.0.1:8080',
      allowInsecureLoopback: true,
      ...oauth2({ tokenUrl: 'http://127.0.0.1:9/t', clientId: 'kit' }),
    }),
  ]),
  connectionsCase([conn('default')], undefined, { apiUrl: null }),
  { jsonData: { connections: null, apiUrl: URL_OK }, apiKey: 'k' },
  // the list itself
  connectionsCase({}),
  connectionsCase([]),
  connectionsCase(Array.from({ length: 33 }, (_, i) => conn(`c${i}`))),
  connectionsCase(['billing']),
  connectionsCase([null]),
  connectionsCase([conn('billing')], undefined, { apiUrl: URL_OK }),
  connectionsCase([conn('billing')], undefined, { allowedPaths: [] }),
  connectionsCase([conn('billing')], undefined, { allowInsecureLoopback: false }),
  // names
  connectionsCase([conn(undefined)]),
  connectionsCase([conn('')]),
  connectionsCase([conn('Billing')]),
  connectionsCase([conn('1st')]),
  connectionsCase([conn('a_b')]),
  connectionsCase([conn('a'.repeat(33))]),
  connectionsCase([conn('a'.repeat(32))]),
  connectionsCase([conn('billing\n')]),
  connectionsCase([conn(5)]),
  connectionsCase([conn('a'), conn('b'), conn('a')]),
  // per-connection settings, types before rules
  connectionsCase([conn('a'), conn('billing', { apiUrl: 'http://billing.example.test' })]),
  connectionsCase([conn('billing', { apiUrl: '' })]),
  connectionsCase([conn('billing', { apiUrl: 'https://user:pw@billing.example.test' })]),
  connectionsCase([{ name: 'billing', timeoutSeconds: '30', apiUrl: 5 }]),
  connectionsCase([conn('billing', { apiUrl: 5, timeoutSeconds: '30' })]),
  connectionsCase([conn('billing', { allowedPaths: ['/a/../b'] })]),
  connectionsCase([conn('billing', { healthPath: '' })]),
  connectionsCase([conn('billing', { authHeader: 'Cookie' })]),
  connectionsCase([conn('Bad', { apiUrl: 'ftp://x' })]),
  connectionsCase([conn('billing', { auth: 'kerberos' })]),
  connectionsCase([conn('billing', { auth: 7 })]),
  connectionsCase([conn('billing', { auth: 'mtls', authHeader: 'X-Key' })]),
  connectionsCase([conn('billing', { auth: 'oauth2', authScheme: '' })]),
  // oauth2
  connectionsCase([conn('a', { auth: 'oauth2' })]),
  connectionsCase([conn('a', oauth2('x'))]),
  connectionsCase([conn('a', oauth2({ clientId: 'kit' }))]),
  connectionsCase([conn('a', oauth2({ tokenUrl: '  ', clientId: 'kit' }))]),
  connectionsCase([conn('a', oauth2({ tokenUrl: 'http://auth.example.test/t', clientId: 'kit' }))]),
  connectionsCase([conn('a', oauth2({ tokenUrl: TOKEN_URL + '?secret=1', clientId: 'kit' }))]),
  connectionsCase([conn('a', oauth2({ tokenUrl: TOKEN_URL }))]),
  connectionsCase([conn('a', oauth2({ tokenUrl: TOKEN_URL, clientId: ' ' }))]),
  connectionsCase([conn('a', oauth2({ tokenUrl: TOKEN_URL, clientId: 'x'.repeat(257) }))]),
  connectionsCase([conn('a', oauth2({ tokenUrl: TOKEN_URL, clientId: 'kit\n' }))]),
  connectionsCase([conn('a', oauth2({ tokenUrl: TOKEN_URL, clientId: 'kit', scopes: ['read', 'a b'] }))]),
  connectionsCase([conn('a', oauth2({ tokenUrl: TOKEN_URL, clientId: 'kit', scopes: ['"q"'] }))]),
  connectionsCase([conn('a', oauth2({ tokenUrl: 5, clientId: 'kit' }))]),
  connectionsCase([conn('a', { oauth2: { tokenUrl: TOKEN_URL, clientId: 'kit' } })]),
  // minRoles
  connectionsCase([conn('a', { minRoles: { POST: 'Viewer' } })]),
  connectionsCase([conn('a', { minRoles: { DELETE: 'Editor', GET: 'Admin' } })]),
  connectionsCase([conn('a', { minRoles: { TRACE: 'Admin' } })]),
  connectionsCase([conn('a', { minRoles: { get: 'Admin' } })]),
  connectionsCase([conn('a', { minRoles: { POST: 'Owner' } })]),
  connectionsCase([conn('a', { minRoles: { POST: 3 } })]),
  connectionsCase([conn('a', { minRoles: { PUT: 'Viewer', DELETE: 'Owner' } })]),
  connectionsCase([conn('a', { minRoles: ['POST'] })]),
  // cache and rate limit
  connectionsCase([conn('a', { cache: { enabled: 'yes' } })]),
  connectionsCase([conn('a', { cache: { maxEntries: 0 } })]),
  connectionsCase([conn('a', { cache: { maxEntries: 100001 } })]),
  connectionsCase([conn('a', { cache: { maxBytes: 1.5 } })]),
  connectionsCase([conn('a', { cache: true })]),
  connectionsCase([conn('a', { rateLimit: { perUserPerSecond: 0 } })]),
  connectionsCase([conn('a', { rateLimit: { perUserPerSecond: 10001 } })]),
  connectionsCase([conn('a', { rateLimit: { perUserPerSecond: 5, perUserBurst: 0 } })]),
  connectionsCase([conn('a', { rateLimit: { perConnectionBurst: 5 } })]),
  connectionsCase([conn('a', { rateLimit: { perUserBurst: '5' } })]),
  // a connection's own settings at the top level of the single-connection form do nothing there: refused
  withSetting({ apiUrl: URL_OK, cache: { enabled: true } }),
  withSetting({ apiUrl: URL_OK, rateLimit: { perUserPerSecond: 5 } }),
  withSetting({ apiUrl: URL_OK, minRoles: { POST: 'Admin' } }),
  withSetting({ apiUrl: URL_OK, auth: 'oauth2' }),
  // secrets, checked once every connection's jsonData is accepted
  connectionsCase([conn('a'), conn('b')], { 'a.apiKey': 'k' }),
  connectionsCase([conn('a')], { apiKey: 'k' }),
  connectionsCase([conn('a')], { 'a.apiKey': 'k\n' }),
  connectionsCase([conn('a')], { 'a.apiKey': ' k' }),
  connectionsCase([conn('a'), conn('b', { apiUrl: '' })], {}),
  connectionsCase([conn('a', oauth2({ tokenUrl: TOKEN_URL, clientId: 'kit' }))], { 'a.apiKey': 'k' }),
  connectionsCase([conn('a', { auth: 'mtls' })], {}),
  connectionsCase([conn('a', { auth: 'mtls' })], { 'a.tlsClientCert': 'not pem', 'a.tlsClientKey': 'not pem' }),
];
