// @vitest-environment node
// One settings contract, three validators: every case goes through the Go
// backend (plugin.LoadSettings and plugin.NewApp, via ./main.go), the
// configuration page (src/settings.ts) and the infra validator
// (infra/config/plugin-json-data.ts, the part of validateConfig that checks
// plugin.jsonData). Both TypeScript sides check with the contract in
// src/contract/; this test holds the contract to the backend, and each side's
// use of it to the other two: the same verdict, naming the same setting.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  agreed,
  connectionCases,
  formerlyDeployable,
  generatedPaths,
  generatedUrls,
  keys,
  mistyped,
  pageRepairs,
  withSetting,
} from './cases';
import {
  buildGoValidator,
  type Case,
  contractVerdict,
  goVerdicts,
  infraValidator,
  pageAddressVerdict,
  pageSaves,
  pageVerdict,
  type Verdict,
} from './validators';

let work: string;
let goBin: string;
let infraVerdict: (c: Case) => Verdict;
let realCA: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'settings-parity-'));
  goBin = await buildGoValidator(work);
  infraVerdict = await infraValidator(work);
  realCA = await readFile(path.join(import.meta.dirname, 'testdata/ca.pem'), 'utf8');
}, 300_000);

afterAll(async () => {
  if (work) {
    await rm(work, { recursive: true, force: true });
  }
});

// Every case as JSON carries it to Grafana (and to ./main.go).
const asStored = (cases: Case[]): Case[] => JSON.parse(JSON.stringify(cases));

const same = (a: Verdict, b: Verdict) => a.ok === b.ok && a.setting === b.setting;

/** The cases where a TypeScript side's verdict differs from the backend's. */
async function differences(cases: Case[], sides: { page?: boolean; infra?: boolean; pageOnSaved?: boolean }) {
  const stored = asStored(cases);
  const backend = await goVerdicts(goBin, stored);
  const saved = sides.pageOnSaved ? await goVerdicts(goBin, asStored(stored.map(pageSaves))) : backend;
  const out: Array<{ case: Case; side: string; side_verdict: Verdict; backend: Verdict }> = [];
  stored.forEach((c, i) => {
    if (sides.page || sides.pageOnSaved) {
      const page = pageVerdict(c);
      if (!same(page, saved[i].settings)) {
        out.push({ case: c, side: 'page', side_verdict: page, backend: saved[i].settings });
      }
    }
    if (sides.infra) {
      const infra = infraVerdict(c);
      if (!same(infra, backend[i].settings)) {
        out.push({ case: c, side: 'infra', side_verdict: infra, backend: backend[i].settings });
      }
    }
  });
  return { backend, out };
}

describe('the backend, the configuration page and the infra validator agree', () => {
  it('on the cases infra used to deploy although the plugin refused them: all three refuse', async () => {
    const { backend, out } = await differences(formerlyDeployable, { page: true, infra: true });
    expect(out).toEqual([]);
    expect(backend.filter((v) => v.settings.ok)).toEqual([]);
  });

  it('on every hand-written case: the same verdict, naming the same setting', async () => {
    const cases = [...agreed, withSetting({ caCertificate: realCA })];
    const { backend, out } = await differences(cases, { page: true, infra: true });
    expect(out).toEqual([]);
    // Both verdicts occur: the table is not all-accept or all-refuse.
    expect(backend.filter((v) => v.settings.ok).length).toBeGreaterThan(25);
    expect(backend.filter((v) => !v.settings.ok).length).toBeGreaterThan(80);
  });

  it('on generated URLs and paths (the page on what it would save)', async () => {
    const cases = [...generatedUrls(), ...generatedPaths()];
    const { backend, out } = await differences(cases, { pageOnSaved: true, infra: true });
    expect(out).toEqual([]);
    expect(backend.filter((v) => v.settings.ok).length).toBeGreaterThan(100);
    expect(backend.filter((v) => !v.settings.ok).length).toBeGreaterThan(500);
  });

  it('on jsonData of the wrong JSON type: infra names the setting; the page saves only typed values', async () => {
    const { backend, out } = await differences(mistyped, { pageOnSaved: true, infra: true });
    expect(out).toEqual([]);
    expect(backend.filter((v) => v.settings.ok).length).toBe(2); // nulls are "not set"
  });

  it('on the key: the page refuses what the backend refuses (a deployment never holds the key)', async () => {
    const { backend, out } = await differences(keys, { page: true });
    expect(out).toEqual([]);
    expect(backend.map((v) => v.settings.ok)).toEqual(keys.map((_, i) => i < 4));
  });

  it('where the page repairs what it shows, it saves what the backend accepts', async () => {
    const { backend, out } = await differences(pageRepairs, { pageOnSaved: true, infra: true });
    expect(out).toEqual([]);
    expect(backend.map((v) => v.settings.ok)).toEqual(pageRepairs.map(() => false));
    const saved = await goVerdicts(goBin, asStored(pageRepairs.map(pageSaves)));
    expect(saved.map((v) => v.settings.ok)).toEqual(pageRepairs.map(() => true));
  });
});

describe('on lists of named connections, the backend, the contract the page uses and infra agree', () => {
  it('the same verdict, naming the same connection and field', async () => {
    const stored = asStored(connectionCases);
    const backend = await goVerdicts(goBin, stored);
    const out = stored.flatMap((c, i) => {
      const sides = { contract: contractVerdict(c), infra: infraVerdict(c) };
      return Object.entries(sides)
        .filter(
          ([side, v]) => !same(v, backend[i].settings) && !(side === 'infra' && v.ok && isSecret(backend[i].settings))
        )
        .map(([side, v]) => ({ case: c, side, side_verdict: v, backend: backend[i].settings }));
    });
    expect(out).toEqual([]);
    expect(backend.filter((v) => v.settings.ok).length).toBeGreaterThanOrEqual(8);
    expect(backend.filter((v) => !v.settings.ok).length).toBeGreaterThan(60);
    // Each rule the list form adds is met at least once.
    const named = new Set(
      backend.map((v) => v.settings.setting?.replace(/^connections\[\d+\]( \([a-z0-9-]+\))?\.?/, ''))
    );
    for (const field of [
      'name',
      'auth',
      'apiUrl',
      'oauth2',
      'oauth2.tokenUrl',
      'oauth2.clientId',
      'minRoles.POST',
      'cache.maxEntries',
      'rateLimit.perUserPerSecond',
      'apiKey',
      'clientSecret',
      'tlsClientCert',
    ]) {
      expect(named).toContain(field);
    }
  });
});

// Infra never holds secrets: where the backend's first problem is a secret,
// infra (which checks jsonData only) accepts.
const isSecret = (v: Verdict) => /\.(apiKey|clientSecret|tlsClientCert|tlsClientKey)$/.test(v.setting ?? '');

describe("the page's advice on apiUrl's address matches the instance the backend builds", () => {
  it('advises exactly where the backend refuses an IP address the operator has not allowed', async () => {
    const cases = asStored([...agreed, ...generatedUrls()]);
    const backend = await goVerdicts(goBin, cases);
    const differ = cases
      .map((c, i) => ({ case: c, advice: pageAddressVerdict(c), backend: backend[i] }))
      .filter((d) => d.backend.settings.ok)
      .filter((d) => !same(d.advice, d.backend.instance));
    expect(differ).toEqual([]);
    const advised = backend.filter((v) => v.settings.ok && !v.instance.ok);
    expect(advised.length).toBeGreaterThan(20);
  });
});
