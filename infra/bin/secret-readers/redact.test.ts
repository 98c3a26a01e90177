import { describe, expect, it } from 'vitest';
import { redact, safeUrl, withoutUserinfo } from './redact';

describe('safeUrl', () => {
  it('shows scheme, host, port and path, never user:password, query or fragment', () => {
    expect(safeUrl('https://ops:pw@bao.example.test:8200/v1/x?token=t#f')).toBe('https://bao.example.test:8200/v1/x');
    expect(safeUrl('https://grafana.example.test/')).toBe('https://grafana.example.test');
    expect(safeUrl('not a url')).toBe('(not a URL)');
  });
});

describe('withoutUserinfo', () => {
  it('masks user:password@ even where the URL does not parse', () => {
    expect(withoutUserinfo('https://u:p@h:99999/x')).toBe('https://***@h:99999/x');
    expect(withoutUserinfo('admin:pw@grafana')).toBe('***@grafana');
    expect(withoutUserinfo('tcp://docker.example.test:2376')).toBe('tcp://docker.example.test:2376');
    expect(withoutUserinfo('https://h/path@x')).toBe('https://h/path@x');
  });
});

describe('redact', () => {
  it('takes out each secret, also URL-encoded and JSON-escaped', () => {
    const s = 'se"cr/et+1';
    const text = `a ${s} b ${encodeURIComponent(s)} c ${JSON.stringify(s)}`;
    expect(redact(text, [s])).toBe('a [redacted] b [redacted] c "[redacted]"');
    expect(redact('short ab', ['ab', undefined])).toBe('short ab');
  });
});
