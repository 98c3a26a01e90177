import { describe, expect, it } from 'vitest';

import {
  DEFAULTS,
  formFromJsonData,
  jsonDataFromForm,
  SettingsForm,
  validateApiKey,
  validateSettings,
} from './settings';

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
    ['', /API URL is required/],
    ['not a url', /not an absolute URL/],
    ['https://exa mple.test', /not a valid URL/],
    ['https://user:pw@api.example.test', /must not contain a user name or password/],
    ['https://api.example.test/v1?token=x', /must not contain a query string/],
    ['https://api.example.test/v1?', /must not contain a query string/],
    ['https://api.example.test/v1#top', /must not contain a fragment/],
    ['http://api.example.test', /must use https:\/\/ \(plain http:\/\/ is only allowed for a loopback host/],
    ['http://127.0.0.1:8080', /turn on "Allow http:\/\/ to loopback"/],
    ['ftp://api.example.test', /must use https:\/\/, not ftp:/],
    // What the browser's URL parser would silently repair but Go's refuses.
    ['https://@api.example.test', /must not contain a user name or password/],
    ['https:api.example.test', /not an absolute URL/],
    ['https:\\\\api.example.test', /not an absolute URL/],
    ['https://api.example.test/v1/../admin', /base path "\/v1\/..\/admin" must not contain "." or ".." segments/],
    ['https://api.example.test//v1', /base path "\/\/v1" must not contain an empty segment/],
    ['https://api.example.test/v1%2f..', /base path .* must not contain an escaped/],
    ['https://api.example.test/a\\b', /base path .* must not contain a backslash/],
    ['https://:443', /not a valid URL/],
  ])('rejects apiUrl %j', (apiUrl, message) => {
    expect(errorsFor({ apiUrl }).apiUrl).toMatch(message);
  });

  it.each(['http://127.0.0.1:8080/base', 'http://localhost:3000', 'http://[::1]:9000', 'http://127.1.2.3'])(
    'accepts loopback http %j only when allowInsecureLoopback is on',
    (apiUrl) => {
      expect(errorsFor({ apiUrl, allowInsecureLoopback: true }).apiUrl).toBeUndefined();
      expect(errorsFor({ apiUrl, allowInsecureLoopback: false }).apiUrl).toBeDefined();
    }
  );

  it.each(['http://127.1', 'http://0x7f.0.0.1', 'http://127.000.0.1', 'http://2130706433', 'http://[::2]'])(
    'refuses %j as loopback, as the backend does (no shorthand or hex IPv4)',
    (apiUrl) => {
      expect(errorsFor({ apiUrl, allowInsecureLoopback: true }).apiUrl).toMatch(/only allowed for a loopback host/);
    }
  );

  it.each(['http://LOCALHOST:8080', 'http://[0:0:0:0:0:0:0:1]', 'http://[::ffff:127.0.0.1]'])(
    'accepts %j as loopback, as the backend does',
    (apiUrl) => {
      expect(errorsFor({ apiUrl, allowInsecureLoopback: true }).apiUrl).toBeUndefined();
    }
  );

  it('accepts a base path with ordinary escapes and a trailing slash', () => {
    expect(errorsFor({ apiUrl: 'https://api.example.test:8443/v1/my%20team/' }).apiUrl).toBeUndefined();
  });

  it('does not treat a look-alike host as loopback', () => {
    expect(errorsFor({ apiUrl: 'http://127.0.0.1.example.test', allowInsecureLoopback: true }).apiUrl).toMatch(
      /only allowed for a loopback host/
    );
  });

  it.each([
    [{ timeoutSeconds: '0' }, 'timeoutSeconds', 'Timeout must be a whole number of seconds from 1 to 300'],
    [{ timeoutSeconds: '301' }, 'timeoutSeconds', 'Timeout must be a whole number of seconds from 1 to 300'],
    [{ timeoutSeconds: '2.5' }, 'timeoutSeconds', 'Timeout must be a whole number of seconds from 1 to 300'],
    [
      { maxResponseBytes: '1073741825' },
      'maxResponseBytes',
      'Maximum response size must be a whole number of bytes from 1 to 1073741824',
    ],
    [{ allowedPaths: '/ok\nreports' }, 'allowedPaths', 'Allowed path "reports" must start with "/"'],
    [{ allowedPaths: '/a/../b' }, 'allowedPaths', 'Allowed path "/a/../b" must not contain "." or ".." segments'],
    [{ allowedPaths: '/a?b=1' }, 'allowedPaths', 'Allowed path "/a?b=1" must not contain spaces, "?" or "#"'],
    [{ allowedPaths: '/a\\b' }, 'allowedPaths', 'Allowed path "/a\\b" must not contain a backslash'],
    [{ allowedPaths: '/http://evil.test' }, 'allowedPaths', expect.stringMatching(/must not contain a scheme/)],
    [{ allowedPaths: '/javascript:x' }, 'allowedPaths', expect.stringMatching(/must not contain a scheme/)],
    [{ allowedPaths: '/%3a/x' }, 'allowedPaths', expect.stringMatching(/must not contain a scheme/)],
    [{ allowedPaths: '/a/%00' }, 'allowedPaths', expect.stringMatching(/must not contain an escaped/)],
    [{ allowedPaths: '/' + 'a'.repeat(2048) }, 'allowedPaths', expect.stringMatching(/more than 2048 characters/)],
    [{ allowedPaths: '/a//b' }, 'allowedPaths', 'Allowed path "/a//b" must not contain an empty segment (//)'],
    [{ allowedPaths: '/a/%2e%2e/b' }, 'allowedPaths', expect.stringMatching(/must not contain an escaped/)],
    [{ allowedPaths: '/a/%zz' }, 'allowedPaths', expect.stringMatching(/malformed %-escape/)],
    [{ authHeader: 'Cookie' }, 'authHeader', 'Auth header Cookie cannot carry the API key: use a name such as Authorization or X-Api-Key'],
    [{ authHeader: 'X-Grafana-User' }, 'authHeader', expect.stringMatching(/cannot carry the API key/)],
    [{ healthPath: 'profile' }, 'healthPath', 'Health check path "profile" must start with "/"'],
    [{ authHeader: 'X-Api Key' }, 'authHeader', expect.stringMatching(/must be an HTTP header name/)],
    [{ authHeader: 'X-Key:' }, 'authHeader', expect.stringMatching(/must be an HTTP header name/)],
    [{ authScheme: 'Bearer token' }, 'authScheme', expect.stringMatching(/must be a single word/)],
    [{ caCertificate: 'not pem' }, 'caCertificate', expect.stringMatching(/CA certificate must be PEM/)],
    [
      { caCertificate: '-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----' },
      'caCertificate',
      expect.stringMatching(/CA certificate must be PEM/),
    ],
    [
      { caCertificate: '-----BEGIN CERTIFICATE-----\naGVsbG8gd29ybGQh\n-----END CERTIFICATE-----' },
      'caCertificate',
      expect.stringMatching(/CA certificate must be PEM/),
    ],
  ])('rejects %j', (changes, field, message) => {
    expect(errorsFor(changes as Partial<SettingsForm>)[field as keyof SettingsForm]).toEqual(message);
  });
});

describe('validateSettings: CA certificate', () => {
  // The first bytes of any DER certificate: SEQUENCE, long length.
  const derLike = btoa(String.fromCharCode(0x30, 0x82, 0x01, 0x0a, 0x30, 0x81, 0xf0, 0xa0, 0x03));
  it('accepts a bundle with a block whose body is base64 DER', () => {
    const pem = `-----BEGIN CERTIFICATE-----\n${derLike}\n-----END CERTIFICATE-----\n`;
    expect(errorsFor({ caCertificate: pem }).caCertificate).toBeUndefined();
  });
});

describe('validateApiKey', () => {
  it.each(['abc123', 'key with inner spaces', 'tab\tinside', 'ключ'])('accepts %j', (key) => {
    expect(validateApiKey(key)).toBeUndefined();
  });

  it.each([
    ['canary-key-trailing-newline\n', /must not start or end with spaces or line breaks/],
    [' canary-key-leading-space', /must not start or end with spaces or line breaks/],
    ['canary-key\r\ninjected: header', /must not contain control characters/],
    ['canary\u0000key', /must not contain control characters/],
  ])('refuses %j without repeating the key', (key, message) => {
    const error = validateApiKey(key);
    expect(error).toMatch(message);
    expect(error).not.toContain('canary');
  });
});

describe('form <-> jsonData', () => {
  it('fills defaults for missing settings but keeps an explicit empty auth scheme', () => {
    expect(formFromJsonData(undefined).authScheme).toBe(DEFAULTS.authScheme);
    expect(formFromJsonData({ authScheme: '' }).authScheme).toBe('');
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
});
