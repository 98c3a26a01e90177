import { describe, expect, it } from 'vitest';
import { firstError, resultTable } from './fleet-report';

describe('resultTable', () => {
  it('lines the targets up under target, org, key version, result, time and error', () => {
    const table = resultTable([
      {
        target: 'a',
        grafana: 'http://127.0.0.1:3001',
        orgId: 1,
        keyVersion: '3',
        result: 'deployed',
        seconds: 12.34,
        detail: '',
      },
      {
        target: 'beta',
        grafana: 'http://127.0.0.1:3002',
        orgId: 2,
        keyVersion: '-',
        result: 'failed',
        seconds: 1,
        detail: 'apply: Error: Grafana refused the credential',
      },
    ]).split('\n');
    expect(table[0]).toMatch(/^target +grafana +org +key version +result +time +error$/);
    expect(table[1]).toMatch(/^-+ +-+ +-+/);
    expect(table[2]).toMatch(/^a +http:\/\/127\.0\.0\.1:3001 +1 +3 +deployed +12\.3 s$/);
    expect(table[3]).toMatch(
      /^beta +http:\/\/127\.0\.0\.1:3002 +2 +- +failed +1\.0 s +apply: Error: Grafana refused the credential$/
    );
    // Columns start at the same place on every line.
    expect(table[2].indexOf('deployed')).toBe(table[0].indexOf('result'));
    expect(table[3].indexOf('failed')).toBe(table[0].indexOf('result'));
  });
});

describe('firstError', () => {
  it("takes Terraform's first boxed error", () => {
    const out = [
      'grafanaapp_plugin_settings.x: Creating...',
      '╷',
      '│ Error: Grafana refused the credential',
      '│ ',
      '│   with grafanaapp_plugin_settings.x,',
      '╵',
      '╷',
      '│ Error: second',
    ].join('\n');
    expect(firstError(out)).toBe('Error: Grafana refused the credential');
  });

  it('falls back to the last line, and bounds the length', () => {
    expect(firstError('one\ntwo\n\n')).toBe('two');
    expect(firstError('')).toBe('no output');
    expect(firstError('Error: ' + 'x'.repeat(500))).toHaveLength(200);
  });
});
