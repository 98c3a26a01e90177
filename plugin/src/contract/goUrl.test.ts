import { describe, expect, it } from 'vitest';

import { toByteString } from './bytes';
import { goParseUrl, hostnameOf } from './goUrl';

// Go's url.Parse, as the apiUrl rule needs it; tests/settings-parity runs
// thousands of generated URLs through both. These pin the forms where the
// browser's URL parser and Go's part ways.
const parse = (raw: string) => goParseUrl(toByteString(raw));

describe('goParseUrl', () => {
  it.each([
    ['https://api.example.test:99999/v1', 'api.example.test:99999', '/v1'], // Go checks only that a port is digits
    ['https://api.example.test:', 'api.example.test:', ''],
    ['https://[fe80::1%25eth0]:8443', '[fe80::1%eth0]:8443', ''],
    ['https://b\u00fccher.example/caf\u00e9', toByteString('b\u00fccher.example'), '/caf%C3%A9'],
    ['https://h/a%2Fb c', 'h', '/a/b%20c'], // not a valid encoding as given: Go re-escapes the decoded path
    ['https://h/a%2Fb', 'h', '/a%2Fb'],
  ])('parses %j as Go does', (raw, host, escapedPath) => {
    expect(parse(raw)).toMatchObject({ host, escapedPath });
  });

  it.each([
    'https://api.example.test:8443:9443', // a second colon, for http and https since Go 1.26
    'https://[127.0.0.1]', // only IPv6 in brackets
    'https://a[b]',
    'https://[::1',
    'https://exa mple.test',
    'https://ex%41mple.test', // %-escapes in a host only for bytes >= 0x80
    'https://h/%zz',
    'https://h/#%zz',
    'https://h\u0000',
    ':no-scheme',
  ])('refuses %j as Go does', (raw) => {
    expect(parse(raw)).toBeUndefined();
  });

  it('keeps the rest of a scheme-only URL as opaque, and reads userinfo', () => {
    expect(parse('https:api.example.test')).toMatchObject({ scheme: 'https', opaque: 'api.example.test' });
    expect(parse('https://@api.example.test')).toMatchObject({ hasUser: true, host: 'api.example.test' });
    expect(parse('ftp://a:1:2')).toMatchObject({ host: 'a:1:2' }); // other schemes keep the last colon's port
  });

  it('finds the hostname as url.Hostname does', () => {
    expect(hostnameOf('[::1]:80')).toBe('::1');
    expect(hostnameOf('h:')).toBe('h');
    expect(hostnameOf('h:x')).toBe('h:x');
  });
});
