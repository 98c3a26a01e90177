// The three validators the parity test compares, each reduced to a verdict
// (accepted, or the setting it names first):
//   - the Go backend: plugin.LoadSettings and plugin.NewApp, through ./main.go;
//   - the configuration page: src/settings.ts, on the form the page would
//     show for that jsonData, as Save would send it;
//   - the infra validator: infra/config/plugin-json-data.ts, which
//     validateConfig runs on plugin.jsonData.
import { execFile, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

import { checkJsonData, checkSecureJsonData } from '../../src/contract/settingsContract';
import { apiUrlAdvice, formFromJsonData, jsonDataFromForm, validateApiKey, validateSettings } from '../../src/settings';

export interface Case {
  /** Any JSON value: the jsonData Grafana would hold. */
  jsonData: unknown;
  apiKey: string;
  /** The whole secureJsonData, for the connections list form (apiKey is then ignored). */
  secure?: Record<string, string>;
}

export interface Verdict {
  ok: boolean;
  /** The setting named first, without a list index ("allowedPaths", not "allowedPaths[2]"). */
  setting?: string;
}

export interface GoVerdicts {
  /** LoadSettings: jsonData and the key. */
  settings: Verdict;
  /** NewApp's Configured() with no operator allowed_networks: plus the address policy. */
  instance: Verdict;
}

const pluginRoot = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

const bare = (setting: string) => setting.replace(/\[\d+\]$/, '');

/** Builds ./main.go into dir; returns the binary. */
export async function buildGoValidator(dir: string): Promise<string> {
  const bin = path.join(dir, 'settings-parity');
  try {
    await run('go', ['build', '-o', bin, './tests/settings-parity'], { cwd: pluginRoot, env: process.env });
  } catch (err) {
    throw new Error(
      `could not build the backend's settings check (needs Go, see scripts/env.sh): ${(err as Error).message}`,
      {
        cause: err,
      }
    );
  }
  return bin;
}

export async function goVerdicts(bin: string, cases: Case[]): Promise<GoVerdicts[]> {
  const child = spawn(bin, [], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let log = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  // NewApp logs each refused setting; shown only if the command fails.
  child.stderr.on('data', (chunk) => (log += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  child.stdin.end(JSON.stringify(cases));
  const code = await exited;
  if (code !== 0) {
    throw new Error(`settings-parity exited with ${code}:\n${log}`);
  }
  const strip = (v: Verdict): Verdict => (v.setting ? { ok: v.ok, setting: bare(v.setting) } : { ok: v.ok });
  return (JSON.parse(out) as GoVerdicts[]).map((v) => ({ settings: strip(v.settings), instance: strip(v.instance) }));
}

/**
 * What the page would save for this case: the form it shows for the stored
 * jsonData, unchanged, as Save sends it. It can differ from what is stored:
 * the page repairs some things as it shows them (an emptied field with a
 * placeholder means its default; list lines are trimmed; typed controls).
 */
export function pageSaves({ jsonData, apiKey }: Case): Case {
  return { jsonData: jsonDataFromForm(formFromJsonData(jsonData as never)), apiKey };
}

/** The page: the form it would show for this jsonData, validated as Save validates it. */
export function pageVerdict({ jsonData, apiKey }: Case): Verdict {
  const errors = Object.keys(validateSettings(formFromJsonData(jsonData as never)));
  if (errors.length > 0) {
    return { ok: false, setting: errors[0] };
  }
  return validateApiKey(apiKey) || apiKey === '' ? { ok: false, setting: 'apiKey' } : { ok: true };
}

/**
 * The contract the configuration page checks a connections list with (the
 * page's form has no list yet): jsonData, then the secrets.
 */
export function contractVerdict({ jsonData, apiKey, secure }: Case): Verdict {
  const problem = checkJsonData(jsonData)[0] ?? checkSecureJsonData(jsonData as never, secure ?? { apiKey });
  return problem ? { ok: false, setting: bare(problem.field) } : { ok: true };
}

/** The page's advice beside apiUrl, as a verdict: what the instance check adds. */
export function pageAddressVerdict({ jsonData }: Case): Verdict {
  return apiUrlAdvice(formFromJsonData(jsonData as never)) ? { ok: false, setting: 'apiUrl' } : { ok: true };
}

interface InfraModule {
  checkPluginJsonData(
    jsonData: unknown,
    checks: { add: (field: string, problem: string, fix: string) => void; path: (p: string) => string }
  ): void;
}

/**
 * The infra validator. It is imported by path: infra/ is outside this
 * project's TypeScript root, and the module needs nothing but Node and the
 * contract. A caCertificate becomes a caCertificateFile, as a deployment
 * gives it.
 */
export async function infraValidator(dir: string): Promise<(c: Case) => Verdict> {
  const modulePath = path.resolve(pluginRoot, '../infra/config/plugin-json-data.ts');
  const { checkPluginJsonData } = (await import(/* @vite-ignore */ modulePath)) as InfraModule;
  let files = 0;
  return ({ jsonData }) => {
    let config = jsonData;
    if (jsonData && typeof jsonData === 'object' && 'caCertificate' in jsonData) {
      const { caCertificate, ...rest } = jsonData as Record<string, unknown>;
      const file = path.join(dir, `ca-${files++}.pem`);
      writeFileSync(file, String(caCertificate));
      config = { ...rest, caCertificateFile: file };
    }
    const fields: string[] = [];
    checkPluginJsonData(config, { add: (field) => fields.push(field), path: (p) => p });
    if (fields.length === 0) {
      return { ok: true };
    }
    const setting = bare(fields[0].replace(/^plugin\.jsonData\.?/, '') || 'jsonData');
    return { ok: false, setting: setting === 'caCertificateFile' ? 'caCertificate' : setting };
  };
}
