import { describe, expect, it } from 'vitest';

import {
  API_KEY_REQUIRED,
  apiUrlAdvice,
  formFromJsonData,
  jsonDataFromForm,
  SettingsForm,
  validateApiKey,
  validateSettings,
} from './settings';

// The rules are the contract's (src/contract/, held to the backend by
// tests/settings-parity); these tests cover what the page adds: the form,
// the reason per field, the advice and the key.

const valid: SettingsForm = {
  ...formFromJsonData({}),
  apiUrl: 'https://api.example.test/v1',
};

const errorsFor = (changes: Partial<SettingsForm>) => validateSettings({ ...valid, ...changes });

describe('validateSettings', () => {
  it('accepts the defaults with an https URL', () => {
    expect(validateSettings(valid)).toEqual({});
  });

  it('accepts ordinary path prefixes, a trailing slash and a custom header', () => {
    expect(errorsFor({ allowedPaths: '/reports/\n/v1/items\n/a%20b', authHeader: 'X-Api-Key' })).toEqual({});
  });

  it.each([
    [
      { apiUrl: '' },
      'apiUrl',
      'apiUrl: is empty. Fix: set it to the https base URL of the API, e.g. https://api.example.com/v1',
    ],
    [
      { apiUrl: 'http://127.0.0.1:8080' },
      'apiUrl',
      /^apiUrl: "http:\/\/127\.0\.0\.1:8080" uses plain http\. Fix: use https:\/\/, or turn on allowInsecureLoopback/,
    ],
    [
      { apiUrl: 'https://me:secret@api.example.test' },
      'apiUrl',
      /^apiUrl: must not contain a user name or password\. Fix: /,
    ],
    [
      { timeoutSeconds: '0' },
      'timeoutSeconds',
      'timeoutSeconds: is 0, not a whole number from 1 to 300. Fix: set a whole number of seconds from 1 to 300',
    ],
    [
      { timeoutSeconds: 'ten' },
      'timeoutSeconds',
      'timeoutSeconds: is "ten", not a number. Fix: set a whole number of seconds from 1 to 300',
    ],
    [{ timeoutSeconds: '' }, 'timeoutSeconds', /^timeoutSeconds: is "", not a number\. Fix: /],
    [
      { maxResponseBytes: '-5' },
      'maxResponseBytes',
      /^maxResponseBytes: is -5, not a whole number from 1 to 1073741824\. Fix: set a whole number of bytes/,
    ],
    [
      { allowedPaths: '/ok\n/a/../b' },
      'allowedPaths',
      /^allowedPaths\[1\]: "\/a\/\.\.\/b" is not a usable path prefix \(the path contains a \. or \.\. segment\)\. Fix: use a plain path such as \/v1\/items$/,
    ],
    [
      { authHeader: 'Cookie' },
      'authHeader',
      /^authHeader: "Cookie" cannot carry the API key\. Fix: use a name such as Authorization or X-Api-Key/,
    ],
    [
      { authScheme: 'Bearer/v2' },
      'authScheme',
      /^authScheme: "Bearer\/v2" is not a single word such as Bearer or Token\. Fix: /,
    ],
    [
      { caCertificate: 'hello' },
      'caCertificate',
      /^caCertificate: contains no PEM certificate\. Fix: paste the CA bundle/,
    ],
    [
      { healthPath: '/me/%2e%2e' },
      'healthPath',
      /^healthPath: "\/me\/%2e%2e" is not a usable path \(the path contains a percent-encoded dot/,
    ],
  ])('%j: the reason names the setting, the problem and the fix', (changes, field, message) => {
    expect(errorsFor(changes as Partial<SettingsForm>)[field as keyof SettingsForm]).toEqual(
      typeof message === 'string' ? message : expect.stringMatching(message)
    );
  });

  it('shows one reason per field, in the order the backend finds them', () => {
    const errors = errorsFor({ healthPath: '/..', apiUrl: 'ftp://x', allowedPaths: '/%2e\n/..', authHeader: 'Host' });
    expect(Object.keys(errors)).toEqual(['apiUrl', 'authHeader', 'allowedPaths', 'healthPath']);
    expect(errors.allowedPaths).toMatch(/^allowedPaths\[0\]: /);
  });

  it('never quotes the parts of apiUrl that may hold a credential', () => {
    const canary = `canary-${Date.now()}`;
    for (const apiUrl of [
      `https://user:${canary}@api.example.test`,
      `https://api.example.test/?token=${canary}`,
      `https://api.example.test/#${canary}`,
      `http://x:${canary}@10.0.0.1`,
    ]) {
      const message = errorsFor({ apiUrl }).apiUrl;
      expect(message).toBeDefined();
      expect(message).not.toContain(canary);
    }
  });
});

describe('apiUrlAdvice', () => {
  it.each([
    [
      'https://10.0.0.5/v1',
      false,
      /^apiUrl: the plugin does not call 10\.0\.0\.5 unless the Grafana server's operator allows it: it is a private network \(RFC 1918\) \(10\.0\.0\.0\/8\)\. Fix: point apiUrl at the API's public address; or the operator adds 10\.0\.0\.5\/32 to allowed_networks under \[plugin\.platformkit-apibridge-app\] in grafana\.ini$/,
    ],
    [
      'https://127.0.0.1:8443',
      false,
      /it is loopback \(127\.0\.0\.0\/8\)\. Fix: point apiUrl at the API's public address, or turn on allowInsecureLoopback for an API on this machine; or the operator adds 127\.0\.0\.1\/32/,
    ],
    [
      'https://[64:ff9b::a9fe:a9fe]',
      false,
      /does not call 64:ff9b::a9fe:a9fe .*\(169\.254\.0\.0\/16, through NAT64 it reaches 169\.254\.169\.254\).*adds 64:ff9b::a9fe:a9fe\/128/,
    ],
    ['https://[::ffff:a9fe:a9fe]', false, /does not call 169\.254\.169\.254 /],
    ['https://[fe80::1%25eth0]', true, /does not call fe80::1 .*link-local \(fe80::\/10\)/],
  ])('advises on %j (allowInsecureLoopback %j)', (apiUrl, allowInsecureLoopback, advice) => {
    expect(apiUrlAdvice({ ...valid, apiUrl, allowInsecureLoopback })).toMatch(advice);
  });

  it.each([
    ['https://api.example.test', false],
    ['https://8.8.8.8', false],
    ['https://127.0.0.1:8443', true],
    ['http://[::1]:8080', true],
    ['https://localhost', false], // a name: the plugin checks the address it resolves to, when it dials
  ])('has none for %j (allowInsecureLoopback %j)', (apiUrl, allowInsecureLoopback) => {
    expect(apiUrlAdvice({ ...valid, apiUrl, allowInsecureLoopback })).toBeUndefined();
  });
});

describe('validateApiKey', () => {
  it.each(['', 'abc123', 'key with inner spaces', 'tab\tinside', 'ключ'])('accepts %j ("" is: no new key)', (key) => {
    expect(validateApiKey(key)).toBeUndefined();
  });

  it.each([
    'canary-key-trailing-newline\n',
    ' canary-key-leading-space',
    'canary-key\r\ninjected: header',
    'canary\u0000key',
    'canary-key-nel\u0085',
  ])('refuses %j without repeating the key', (key) => {
    const error = validateApiKey(key);
    expect(error).toMatch(
      /^apiKey: the API key has spaces or line breaks at its ends, or control characters inside, .*\. Fix: /
    );
    expect(error).not.toContain('canary');
  });

  it('says what to do when a key is required', () => {
    expect(API_KEY_REQUIRED).toBe('apiKey: is required. Fix: type the key the API gave you');
  });
});

describe('form <-> jsonData', () => {
  it('fills defaults for missing settings but keeps an explicit empty auth scheme', () => {
    expect(formFromJsonData(undefined)).toEqual({
      apiUrl: '',
      authHeader: 'Authorization',
      authScheme: 'Bearer',
      caCertificate: '',
      timeoutSeconds: '30',
      maxResponseBytes: '10485760',
      allowInsecureLoopback: false,
      allowedPaths: '',
      healthPath: '/profile',
    });
    expect(formFromJsonData({ authScheme: '' }).authScheme).toBe('');
    expect(formFromJsonData({ allowedPaths: ['/a', '/b'] }).allowedPaths).toBe('/a\n/b');
  });

  it('turns the form into typed jsonData', () => {
    const jsonData = jsonDataFromForm({
      ...valid,
      authScheme: '',
      timeoutSeconds: '12',
      maxResponseBytes: '2048',
      allowedPaths: ' /reports \n\n/users\n',
      healthPath: '',
    });
    expect(jsonData).toEqual({
      apiUrl: 'https://api.example.test/v1',
      authHeader: 'Authorization',
      authScheme: '',
      timeoutSeconds: 12,
      maxResponseBytes: 2048,
      allowInsecureLoopback: false,
      allowedPaths: ['/reports', '/users'],
      healthPath: '/profile',
    });
  });

  it('ends a CA bundle with a newline and leaves an empty one out', () => {
    expect(jsonDataFromForm({ ...valid, caCertificate: '  PEM  ' }).caCertificate).toBe('PEM\n');
    expect(jsonDataFromForm({ ...valid, caCertificate: ' ' })).not.toHaveProperty('caCertificate');
  });
});
