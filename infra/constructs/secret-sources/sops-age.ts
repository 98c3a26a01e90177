// Source: a SOPS file in git, encrypted for age recipients.
//
// The carlpett/sops provider (whose `sops_file` ephemeral resource would
// decrypt inside Terraform) is not served by the Go module proxy here
// (infra/README.md, "Provider mirror"). So the real `sops` CLI decrypts the
// one key at deploy time, into memory (`sops decrypt --extract`), and the
// value reaches Terraform as an ephemeral input variable. The file's
// sops.lastmodified (plain metadata, changed by every re-encryption) becomes
// the rotation version. The age identity comes from SOPS_AGE_KEY_FILE or
// SOPS_AGE_KEY as sops itself reads them.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Construct } from 'constructs';
import { checkVersion } from '../../config/checks';
import {
  ephemeralStringVariable,
  PLACEHOLDER_KEY,
  SecretSourceError,
  STORE_KEY_VARIABLE,
  STORE_VERSION_VARIABLE,
  versionVariable,
  type SecretSourceDefinition,
  type SecretSourceOutputs,
} from './secret-source';

/** A SOPS file encrypted for age recipients, kept in git. */
export interface SopsAgeSourceConfig {
  kind: 'sops-age';
  /** Path of the encrypted file (YAML or JSON), relative to the repository root. */
  file: string;
  /** Top-level key of the file that holds the API key. */
  key: string;
  /** Pin the rotation version; default: the file's sops.lastmodified as Unix seconds. */
  version?: number;
}

/** The Terraform side: an ephemeral input variable and the rotation version. */
class SopsAgeSecret extends Construct implements SecretSourceOutputs {
  readonly apiKey: string;
  readonly version: number;
  constructor(scope: Construct, id: string, cfg: SopsAgeSourceConfig) {
    super(scope, id);
    const key = ephemeralStringVariable(
      this,
      STORE_KEY_VARIABLE,
      `API key decrypted from ${cfg.file} (key ${cfg.key}) by the kit's runner (sops) at deploy time, passed as this ephemeral variable`
    );
    this.apiKey = key.stringValue;
    this.version = cfg.version ?? versionVariable(this, STORE_VERSION_VARIABLE).numberValue;
  }
}

export const sopsAgeSource: SecretSourceDefinition<SopsAgeSourceConfig> = {
  kind: 'sops-age',
  validate(s, { add, path }) {
    if (!/\.(ya?ml|json)$/.test(s.file ?? '') || !existsSync(path(s.file))) {
      add(
        'secretSource.file',
        `"${s.file}" is not an existing .yaml, .yml or .json SOPS file`,
        'encrypt the key with `sops encrypt --age <recipient>` into such a file and give its path from the repository root'
      );
    }
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(s.key ?? ''))
      add(
        'secretSource.key',
        `"${s.key}" is not a top-level key`,
        'name the key of the file that holds the API key, e.g. "apibridge_api_key"'
      );
    checkVersion(s.version, 'secretSource.version', false, add);
  },
  build: (scope, cfg) => new SopsAgeSecret(scope, 'api-key', cfg),
  async resolve(cfg, { env, baseDir, progress }) {
    const file = resolve(baseDir, cfg.file);
    const version = cfg.version ?? lastModifiedVersion(readFileSync(file, 'utf8'), cfg.file);
    progress?.(
      `sops decrypt: ${cfg.file} key ${cfg.key} (age identity from ${env.SOPS_AGE_KEY_FILE ? 'SOPS_AGE_KEY_FILE' : env.SOPS_AGE_KEY ? 'SOPS_AGE_KEY' : "sops' default key file"})`
    );
    const value = await sopsExtract(file, cfg, sopsEnv(env));
    if (value === '')
      throw new SecretSourceError(`${cfg.file}: key "${cfg.key}" is empty: write the API key there with \`sops set\``);
    return {
      env: { [`TF_VAR_${STORE_KEY_VARIABLE}`]: value, [`TF_VAR_${STORE_VERSION_VARIABLE}`]: String(version) },
      version: String(version),
      from: `SOPS file ${cfg.file} key ${cfg.key}`,
    };
  },
  placeholder(cfg, { baseDir }) {
    // sops.lastmodified is clear metadata: the version is known without decrypting anything.
    const version = cfg.version ?? lastModifiedVersion(readFileSync(resolve(baseDir, cfg.file), 'utf8'), cfg.file);
    return {
      env: { [`TF_VAR_${STORE_KEY_VARIABLE}`]: PLACEHOLDER_KEY, [`TF_VAR_${STORE_VERSION_VARIABLE}`]: String(version) },
      version: String(version),
      from: 'a placeholder (the file was not decrypted)',
    };
  },
};

/** sops.lastmodified as Unix seconds; YAML and JSON SOPS files both carry it in clear. */
export function lastModifiedVersion(content: string, name: string): number {
  const m = /["']?lastmodified["']?\s*:\s*["']?([0-9TZ:.+-]+)["']?/.exec(content);
  const t = m ? Date.parse(m[1]) : NaN;
  if (Number.isNaN(t)) throw new SecretSourceError(`${name} has no sops.lastmodified: is it a file encrypted by sops?`);
  return Math.floor(t / 1000);
}

/**
 * What the sops child gets: where to find itself and its age identity, and
 * nothing else of the kit's environment (no Grafana credential, no store
 * token, no other variable the pipeline happens to set).
 */
function sopsEnv(env: Record<string, string | undefined>): Record<string, string> {
  const keep = [
    'PATH',
    'HOME',
    'USER',
    'LANG',
    'LC_ALL',
    'TMPDIR',
    'XDG_CONFIG_HOME',
    'SOPS_AGE_KEY_FILE',
    'SOPS_AGE_KEY',
    'SOPS_AGE_KEY_CMD',
    'SOPS_AGE_SSH_PRIVATE_KEY_FILE',
  ];
  return Object.fromEntries(
    keep.filter((k) => env[k] !== undefined && env[k] !== '').map((k) => [k, env[k] as string])
  );
}

/** Bounds on the sops run: it is local, but a hung agent or a wrong file must not stall a pipeline. */
export interface SopsLimits {
  timeoutMs: number;
  maxBytes: number;
}
const SOPS_LIMITS: SopsLimits = { timeoutMs: 60_000, maxBytes: 64 * 1024 };

/** Runs `sops decrypt --extract` for one key; the value stays in memory. */
export function sopsExtract(
  file: string,
  cfg: Pick<SopsAgeSourceConfig, 'file' | 'key'>,
  env: Record<string, string | undefined>,
  limits: SopsLimits = SOPS_LIMITS
): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('sops', ['decrypt', '--extract', `["${cfg.key}"]`, file], {
      env: env as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let size = 0;
    let err = '';
    let refused: SecretSourceError | undefined;
    const stop = (why: string) => {
      refused ??= new SecretSourceError(`sops could not decrypt ${cfg.file}: ${why}`);
      child.kill('SIGKILL');
    };
    const timer = setTimeout(
      () =>
        stop(
          `sops gave no answer within ${limits.timeoutMs / 1000} s: check the age identity and that no sops key service hangs`
        ),
      limits.timeoutMs
    );
    child.stdout.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limits.maxBytes)
        return stop(
          `key "${cfg.key}" holds more than ${limits.maxBytes} bytes, which is no API key: fix secretSource.key`
        );
      out.push(c);
    });
    child.stderr.on('data', (c: Buffer) => {
      if (err.length < limits.maxBytes) err += c.toString();
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(
        new SecretSourceError(
          `cannot run sops (${e.message}): install it (scripts/setup/40-infra.sh builds it into .tools/bin)`
        )
      );
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (refused) return reject(refused);
      if (code === 0) return resolvePromise(Buffer.concat(out).toString('utf8').replace(/\n$/, ''));
      const why = /no identity matched|failed to get the data key|could not decrypt/i.test(err)
        ? 'no age identity can decrypt it: set SOPS_AGE_KEY_FILE to the key file of one of its recipients'
        : /not found|key not found|component/i.test(err)
          ? `it has no key "${cfg.key}": fix secretSource.key`
          : err.trim().split('\n').slice(-1)[0];
      reject(new SecretSourceError(`sops could not decrypt ${cfg.file}: ${why}`));
    });
  });
}
