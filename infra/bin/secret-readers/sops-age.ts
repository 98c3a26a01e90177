// Reader of SopsAgeSecret: runs the real `sops decrypt --extract '["<key>"]'
// <file>` (age identity from SOPS_AGE_KEY_FILE or SOPS_AGE_KEY, as sops reads
// them), keeps the value in memory and returns it as TF_VAR_<variable>; the
// file's sops.lastmodified (clear metadata) is the version unless pinned.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SopsAgeBinding } from '../../constructs/secret-sources/binding';
import { named, PLACEHOLDER_KEY, SecretSourceError, type FieldNaming, type SecretReader } from './reader';

export function sopsAgeReader(
  binding: SopsAgeBinding,
  options: { naming?: FieldNaming } = {}
): SecretReader<SopsAgeBinding> {
  const vars = (value: string, version: number): Record<string, string> => ({
    [`TF_VAR_${binding.keyVariable}`]: value,
    ...(binding.versionVariable ? { [`TF_VAR_${binding.versionVariable}`]: String(version) } : {}),
  });
  // sops.lastmodified is clear metadata: the version is known without decrypting anything.
  const versionOf = (file: string) => binding.version ?? lastModifiedVersion(readFileSync(file, 'utf8'), binding.file);
  return {
    binding,
    async read({ env, baseDir, progress }) {
      const file = resolve(baseDir, binding.file);
      const version = versionOf(file);
      progress?.(
        `sops decrypt: ${binding.file} key ${binding.key} (age identity from ${env.SOPS_AGE_KEY_FILE ? 'SOPS_AGE_KEY_FILE' : env.SOPS_AGE_KEY ? 'SOPS_AGE_KEY' : "sops' default key file"})`
      );
      const value = await sopsExtract(file, { ...binding, keyField: named(options.naming, 'key') }, sopsEnv(env));
      if (value === '')
        throw new SecretSourceError(
          `${binding.file}: key "${binding.key}" is empty: write the secret there with \`sops set\``
        );
      return {
        env: vars(value, version),
        version: String(version),
        from: `SOPS file ${binding.file} key ${binding.key}`,
      };
    },
    placeholder({ baseDir }) {
      const version = versionOf(resolve(baseDir, binding.file));
      return {
        env: vars(PLACEHOLDER_KEY, version),
        version: String(version),
        from: 'a placeholder (the file was not decrypted)',
      };
    },
  };
}

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
  cfg: Pick<SopsAgeBinding, 'file' | 'key'> & { /** How messages name the key setting. */ keyField?: string },
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
          `key "${cfg.key}" holds more than ${limits.maxBytes} bytes, which is no API key: fix ${cfg.keyField ?? 'the key'}`
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
          ? `it has no key "${cfg.key}": fix ${cfg.keyField ?? 'the key'}`
          : err.trim().split('\n').slice(-1)[0];
      reject(new SecretSourceError(`sops could not decrypt ${cfg.file}: ${why}`));
    });
  });
}
