import { describe, expect, it } from 'vitest';

import { isLoopbackHost, parseIpAddress } from './ipAddress';

describe('parseIpAddress (netip.ParseAddr)', () => {
  it.each([
    ['127.0.0.1', true],
    ['::1', false],
    ['::ffff:127.0.0.1', false],
    ['1:2:3:4:5:6:1.2.3.4', false],
    ['fe80::1%eth0', false],
    ['::', false],
  ])('reads %j (IPv4: %j)', (text, is4) => {
    expect(parseIpAddress(text)?.is4).toBe(is4);
  });

  it.each([
    '127.1',
    '0x7f.0.0.1',
    '2130706433',
    '127.000.0.1',
    '127.0.0.01',
    '256.0.0.1',
    '1.2.3.4%eth0',
    '1::2::3',
    '00001::1',
    '1:2:3:4:5:6:7:8:9',
    '::1:2:3:4:5:6:7:8',
    '1:2:3:4:5:6:7:1.2.3.4',
    'fe80::1%',
    '%eth0',
    'localhost',
  ])('refuses %j, as Go does', (text) => {
    expect(parseIpAddress(text)).toBeUndefined();
  });
});

describe('isLoopbackHost (the backend decides http:// by it)', () => {
  it.each([
    '127.0.0.1',
    '127.255.255.254',
    '::1',
    '0:0:0:0:0:0:0:1',
    '::ffff:127.0.0.1',
    'localhost',
    'LOCALHOST',
    'localho\u017ft',
  ])('%j is loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each(['127.1', '2130706433', '::127.0.0.1', '::1%lo', '::2', '127.0.0.1.example.test', 'localhost.'])(
    '%j is not',
    (host) => {
      expect(isLoopbackHost(host)).toBe(false);
    }
  );
});
