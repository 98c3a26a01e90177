// gitleaks as the audit runs it, on throw-away git repositories with planted
// secrets (made up at run time, so none sits in this file): the working
// tree and the history are both scanned, ignored files are not, the fixture
// allowlist is as narrow as it claims, a change cannot hide its own secret,
// nothing found is ever printed, and the pre-commit hook refuses a commit.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Log } from 'sarif';
import { afterAll, describe, expect, it } from 'vitest';
import { GRAFANA_DEFAULT_SECRET_KEY } from '../../infra/config/grafana-defaults';
import { audit } from './audit';
import { REPO_ROOT, runTool } from './tools';

const tmp = mkdtempSync(join(tmpdir(), 'audit-gitleaks-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const alnum = (n: number) =>
  randomBytes(n * 2)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, n);
const githubToken = () => 'ghp_' + alnum(36);
// gitleaks' aws-access-token rule also asks for Shannon entropy above 3, so a
// random id drawn from a small alphabet is sometimes not a finding at all:
// draw from the rule's whole alphabet (A-Z, 2-7) and keep only ids well above it.
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const entropy = (s: string) =>
  [...new Set(s)].reduce((h, c) => {
    const p = s.split(c).length - 1;
    return h - (p / s.length) * Math.log2(p / s.length);
  }, 0);
const awsKeyId = (): string => {
  for (;;) {
    const id = 'AKIA' + Array.from(randomBytes(16), (b) => BASE32[b % 32]).join('');
    if (entropy(id) > 3.5) {
      return id;
    }
  }
};

async function newRepo(name: string) {
  const dir = join(tmp, name);
  mkdirSync(dir);
  const git = (...args: string[]) =>
    runTool(
      'git',
      ['-c', 'user.email=audit@example.test', '-c', 'user.name=audit test', '-c', 'commit.gpgsign=false', ...args],
      { cwd: dir }
    );
  await git('init', '-q');
  const write = (file: string, content: string) => {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), content);
  };
  return { dir, git, write };
}

async function scan(repo: string) {
  const out = join(repo, '..', `${repo.split('/').pop()}-out`);
  const r = await audit({ checks: ['secrets'], repo, out });
  const sarif = JSON.parse(readFileSync(join(out, 'audit.sarif'), 'utf8')) as Log;
  const where = (i: number) =>
    (sarif.runs[i].results ?? [])
      .map((x) => `${x.ruleId} ${x.locations![0].physicalLocation!.artifactLocation!.uri}`)
      .sort();
  return { ...r, text: readFileSync(join(out, 'audit.sarif'), 'utf8'), tree: where(0), history: where(1) };
}

describe('gitleaks in npm run audit', () => {
  it('scans the files git would commit and the history, not ignored files, and prints no secret it found', async () => {
    const { dir, git, write } = await newRepo('tree-and-history');
    const [old, untracked, ignored] = [awsKeyId(), githubToken(), githubToken()];
    write('config/old.env', `AWS_ACCESS_KEY_ID=${old}\n`);
    await git('add', '.');
    await git('commit', '-qm', 'a key, removed again below');
    rmSync(join(dir, 'config/old.env'));
    await git('commit', '-qam', 'remove it');
    write('.gitignore', 'local.env\n');
    write('local.env', `GITHUB_TOKEN=${ignored}\n`);
    write('notes/new.md', `token: ${untracked}\n`);

    const s = await scan(dir);
    expect(s.tree).toEqual(['github-pat notes/new.md']);
    expect(s.history).toEqual(['aws-access-token config/old.env']);
    expect(s.findings).toBe(2);
    for (const secret of [old, untracked, ignored]) {
      expect(s.text).not.toContain(secret);
      expect(s.report).not.toContain(secret);
    }
  });

  it('allows a fixture value only in its own file: the same value elsewhere is reported', async () => {
    const { dir, git, write } = await newRepo('allowlist');
    write('README.md', 'a repository with one commit\n');
    await git('add', '.');
    await git('commit', '-qm', 'start');
    const line = `export const GRAFANA_DEFAULT_SECRET_KEY = "${GRAFANA_DEFAULT_SECRET_KEY}";\n`;
    write('infra/config/grafana-defaults.ts', line);
    write('src/settings.ts', line);
    const s = await scan(dir);
    expect(s.tree).toEqual(['generic-api-key src/settings.ts']);
  });

  it('ignores .gitleaksignore files and gitleaks:allow comments: only audit/gitleaks/gitleaks.toml may allow', async () => {
    const { dir, git, write } = await newRepo('self-allowed');
    const token = githubToken();
    write('app.env', `GITHUB_TOKEN=${token} # gitleaks:allow\n`);
    write('.gitleaks.toml', '[allowlist]\npaths = [".*"]\n');
    await git('add', '.');
    await git('commit', '-qm', 'a change that tries to hide its own secret');
    const first = await scan(dir);
    expect(first.tree).toEqual(['github-pat app.env']);
    // Allow it by fingerprint too, the way gitleaks' own docs suggest.
    const fingerprints = JSON.parse(first.text).runs[1].results.map(
      (x: { partialFingerprints: { commitSha: string } }) => `${x.partialFingerprints.commitSha}:app.env:github-pat:1`
    );
    write('.gitleaksignore', ['app.env:github-pat:1', ...fingerprints].join('\n') + '\n');
    const second = await scan(dir);
    expect(second.tree).toEqual(['github-pat app.env']);
    expect(second.history).toEqual(['github-pat app.env']);
  });
});

describe('the pre-commit hook (audit/hooks/pre-commit)', () => {
  it('refuses a commit that adds a secret (even one the change itself allows), without printing it, and lets a clean one through', async () => {
    const { git, write } = await newRepo('hook');
    await git('config', 'core.hooksPath', join(REPO_ROOT, 'audit', 'hooks'));
    const token = githubToken();
    write('clean.txt', 'nothing to see\n');
    await git('add', 'clean.txt');
    const clean = await git('commit', '-qm', 'clean');
    expect(clean.code, clean.stderr).toBe(0);

    write('deploy.env', `GITHUB_TOKEN=${token} # gitleaks:allow\n`);
    write('.gitleaksignore', 'deploy.env:github-pat:1\n');
    await git('add', 'deploy.env', '.gitleaksignore');
    const refused = await git('commit', '-qm', 'leak');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('pre-commit: gitleaks found a secret in the staged changes');
    expect(refused.stdout + refused.stderr).toMatch(/RuleID:\s+github-pat/);
    expect(refused.stdout + refused.stderr).toMatch(/File:\s+deploy\.env/);
    expect(refused.stdout + refused.stderr).not.toContain(token);
    expect((await git('log', '--oneline')).stdout.trim().split('\n')).toHaveLength(1);
  });
});
