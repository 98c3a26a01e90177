// The sweep's scan itself, on planted copies of a canary: it must find the
// key raw and base64-encoded at any alignment (an Authorization: Basic
// header), fail a class with no file, and print the table reviewers read.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { canary } from '../../infra/testing/canary';
import { failures, scanClasses, table } from './classes';
import { needles } from './needles';

const dir = mkdtempSync(join(tmpdir(), 'leak-sweep-scan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string | Buffer) => {
  writeFileSync(join(dir, name), content);
  return join(dir, name);
};

describe('needles', () => {
  it('find the key base64-encoded after any prefix, and nothing in unrelated text', () => {
    const key = canary('needles');
    const n = needles(key);
    expect(n[0]).toBe(key);
    for (const prefix of ['', 'u:', 'us:', 'use:', 'Bearer ', '{"apiKey":"']) {
      const encoded = Buffer.from(prefix + key + '"}').toString('base64');
      expect(
        n.some((x) => encoded.includes(x)),
        `prefix ${JSON.stringify(prefix)}`
      ).toBe(true);
    }
    const other = Buffer.from('u:' + canary('other')).toString('base64');
    expect(n.some((x) => other.includes(x))).toBe(false);
    expect(Math.min(...n.map((x) => x.length))).toBeGreaterThan(24);
  });

  it('refuse a canary whose escaped forms would differ from it', () => {
    expect(() => needles('short')).toThrow('at least 24 characters');
    expect(() => needles('canary-With-Capitals-and/slash-0123456789')).toThrow("a-z, 0-9 and '-'");
  });
});

describe('scanClasses', () => {
  const key = canary('scan');
  it('counts files and hits per class, and fails on a hit or on a class with no file', () => {
    const results = scanClasses(
      [
        { name: 'clean', files: [file('a.txt', 'nothing here'), file('b.bin', Buffer.from([0, 1, 2]))] },
        {
          name: 'leaky',
          files: [
            file('c.log', `header: Basic ${Buffer.from(`admin:${key}`).toString('base64')}`),
            file('d.json', JSON.stringify({ k: key })),
          ],
        },
        { name: 'empty', files: [] },
      ],
      needles(key)
    );
    expect(results.map((r) => [r.name, r.files, r.hits.length])).toEqual([
      ['clean', 2, 0],
      ['leaky', 2, 2],
      ['empty', 0, 0],
    ]);
    const problems = failures(results);
    expect(problems).toHaveLength(3);
    // findCanaries names the first 20 characters of the needle that matched, and the file.
    expect(problems[0]).toMatch(/^leaky: the canary key was found \(.{20}… in .*c\.log\)$/);
    expect(problems[1]).toMatch(/^leaky: the canary key was found \(canary-scan-.{8}… in .*d\.json\)$/);
    expect(problems[2]).toBe(
      'empty: no file was scanned, so this class proves nothing. Fix: check that the sweep still produces it'
    );
    // The message names the place, never the whole key.
    expect(problems.join('\n')).not.toContain(key);
  });

  it('prints class, files scanned and hits as a table', () => {
    expect(
      table([
        { name: 'state', files: 2, hits: [] },
        { name: 'plugin logs', files: 1, hits: ['x'] },
      ])
    ).toBe(
      [
        '| artifact class | files scanned | hits |',
        '|----------------|--------------:|-----:|',
        '| state          |             2 |    0 |',
        '| plugin logs    |             1 |    1 |',
      ].join('\n')
    );
  });
});
