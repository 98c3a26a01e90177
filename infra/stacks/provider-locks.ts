// After synth, makes each stack directory in cdktf.out/ ready for plain
// `terraform init` and for cdktn without --skip-provider-lock:
//
// 1. The committed lock file (infra/stacks/locks/) is copied in as
//    .terraform.lock.hcl, every synth: terraform init verifies the providers
//    against it, and a stale lock left in cdktf.out/ by an older build can no
//    longer break init. cdktn sees a lock whose constraints match, so it runs
//    no `terraform providers lock` (which would ask the registry).
//    Per stack kind: <kind>.terraform.lock.hcl, or in offline mode
//    <kind>.offline.terraform.lock.hcl where the offline build differs from
//    the registry's (the docker provider, built here from a commit).
// 2. terraform.d/plugins links to the kit's provider mirror. Terraform
//    searches that directory (relative to where it runs; cdktn runs it in the
//    stack directory) when no CLI configuration names a provider_installation:
//    providers found there are installed from it, every other one directly
//    from its registry. So plain `npx cdktn deploy` needs no TF_CLI_CONFIG_FILE.
// 3. The mirror's build for this machine is checked against the lock: a
//    build the lock does not pin stops synth with the command that fixes it,
//    before terraform init refuses it with a bare checksum error.
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { ConfigError } from '../config/config-error';
import { h1OfDirectory, h1OfZip } from './provider-hash';

export type ProviderMode = 'registry' | 'offline';

export interface PlacedStack {
  name: string;
  /** Names the lock file: infra/stacks/locks/<kind>[.offline].terraform.lock.hcl */
  kind: string;
}

export interface ProviderPlacement {
  /** cdktn's output directory (app.outdir). */
  outdir: string;
  repoRoot: string;
  /** The kit's filesystem mirror (KIT_TF_MIRROR, default .tools/terraform-mirror). */
  mirror: string;
  mode: ProviderMode;
}

/** KIT_PROVIDER_MODE, else the mode the set-up recorded in .tools/provider-mode, else offline. */
export function providerMode(env: Record<string, string | undefined>, repoRoot: string): ProviderMode {
  const recorded = join(repoRoot, '.tools', 'provider-mode');
  const mode = env.KIT_PROVIDER_MODE || (existsSync(recorded) ? readFileSync(recorded, 'utf8').trim() : 'offline');
  if (mode !== 'registry' && mode !== 'offline') {
    throw new ConfigError([
      {
        field: 'KIT_PROVIDER_MODE',
        problem: `"${mode}" is not a provider mode`,
        fix: 'set it to "registry" (our provider from the mirror, the others from registry.terraform.io) or "offline" (every provider from the mirror)',
      },
    ]);
  }
  return mode;
}

function lockFileFor(kind: string, mode: ProviderMode, repoRoot: string): string | undefined {
  const dir = join(repoRoot, 'infra', 'stacks', 'locks');
  const candidates =
    mode === 'offline'
      ? [`${kind}.offline.terraform.lock.hcl`, `${kind}.terraform.lock.hcl`]
      : [`${kind}.terraform.lock.hcl`];
  return candidates.map((f) => join(dir, f)).find((f) => existsSync(f));
}

export function placeProviderFiles(stacks: PlacedStack[], where: ProviderPlacement): void {
  const problems: ConfigError['problems'] = [];
  for (const stack of stacks) {
    const dir = join(where.outdir, 'stacks', stack.name);
    if (!existsSync(join(dir, 'cdk.tf.json'))) continue;
    linkPlugins(dir, where.mirror);
    const lock = lockFileFor(stack.kind, where.mode, where.repoRoot);
    if (!lock) continue; // registry mode, docker: terraform records the registry's signed hashes on first init
    copyFileSync(lock, join(dir, '.terraform.lock.hcl'));
    for (const p of requiredProviders(dir)) {
      if (where.mode === 'registry' && !p.source.startsWith('registry.terraform.io/platformkit/')) continue;
      const problem = checkAgainstLock(p, lock, where);
      if (problem) problems.push(problem);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
}

/** terraform.d/plugins -> the mirror, as a relative link so the repository can move. */
function linkPlugins(stackDir: string, mirror: string): void {
  const link = join(stackDir, 'terraform.d', 'plugins');
  mkdirSync(dirname(link), { recursive: true });
  if (existsOrLink(link)) rmSync(link, { recursive: true, force: true });
  symlinkSync(relative(dirname(link), mirror), link, 'dir');
}

function existsOrLink(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

interface Required {
  /** registry.terraform.io/<namespace>/<type> */
  source: string;
  type: string;
  version: string;
}

function requiredProviders(stackDir: string): Required[] {
  const tf = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8')) as {
    terraform?: { required_providers?: Record<string, { source: string; version?: string }> };
  };
  return Object.values(tf.terraform?.required_providers ?? {}).map((r) => {
    const parts = r.source.split('/');
    const source = parts.length === 2 ? `registry.terraform.io/${r.source}` : r.source;
    return { source, type: parts[parts.length - 1], version: (r.version ?? '').replace(/^=\s*/, '') };
  });
}

/** Terraform's name for this machine's platform, e.g. linux_amd64. */
export function hostPlatform(): string {
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  const arch = process.arch === 'x64' ? 'amd64' : process.arch === 'ia32' ? '386' : process.arch;
  return `${os}_${arch}`;
}

function checkAgainstLock(
  p: Required,
  lockFile: string,
  where: ProviderPlacement
): ConfigError['problems'][number] | undefined {
  const platform = hostPlatform();
  const base = join(where.mirror, p.source);
  const packed = join(base, `terraform-provider-${p.type}_${p.version}_${platform}.zip`);
  const unpacked = join(base, p.version, platform);
  const field = `provider ${p.source.replace('registry.terraform.io/', '')} ${p.version}`;
  const lockName = relative(where.repoRoot, lockFile);
  const fix = p.source.startsWith('registry.terraform.io/platformkit/')
    ? "if the provider's source changed on purpose, run `npm run providers:lock` and commit infra/stacks/locks/; otherwise rebuild it as pinned with `npm run provider:install` (scripts/env.sh pins the Go version)"
    : 'run `npm run providers:lock` on this machine and commit infra/stacks/locks/ (this provider is built here from source, so its hash depends on the Go version: infra/README.md, "Provider mirror")';
  let h1: string;
  if (existsSync(packed)) h1 = cachedH1(packed, where.mirror, h1OfZip);
  else if (existsSync(unpacked)) h1 = cachedH1(unpacked, where.mirror, h1OfDirectory);
  else
    return {
      field,
      problem: `is not in the provider mirror ${where.mirror} for ${platform}`,
      fix: 'run `bash scripts/bootstrap.sh` (it builds the providers into the mirror)',
    };
  const pinned = lockedHashes(readFileSync(lockFile, 'utf8'), p.source);
  if (pinned === undefined)
    return {
      field,
      problem: `is not in ${lockName}`,
      fix: 'run `npm run providers:lock` and commit infra/stacks/locks/',
    };
  if (pinned.includes(h1)) return undefined;
  return {
    field,
    problem: `the build in the mirror (${platform}, ${h1}) is not the one ${lockName} pins, so terraform init would refuse it`,
    fix,
  };
}

/** The hashes a lock file records for one provider source, or undefined when it has no entry. */
export function lockedHashes(lock: string, source: string): string[] | undefined {
  const start = lock.indexOf(`provider "${source}" {`);
  if (start === -1) return undefined;
  const block = lock.slice(start, lock.indexOf('\n}', start));
  return [...block.matchAll(/"((?:h1|zh):[^"]+)"/g)].map((m) => m[1]);
}

/**
 * Hashing a provider takes a second for the docker one on a loaded machine, at every synth: remember
 * each hash beside the mirror, keyed by path, size, inode and modification time (a rebuild changes them).
 */
function cachedH1(path: string, mirror: string, hash: (p: string) => string): string {
  const file = join(mirror, '..', '.provider-h1-cache.json');
  const stamp = stampOf(path);
  let cache: Record<string, { stamp: string; h1: string }> = {};
  try {
    cache = JSON.parse(readFileSync(file, 'utf8')) as typeof cache;
  } catch {
    /* no cache yet, or unreadable: start afresh */
  }
  if (cache[path]?.stamp === stamp) return cache[path].h1;
  const h1 = hash(path);
  cache[path] = { stamp, h1 };
  try {
    writeFileSync(file, JSON.stringify(cache));
  } catch {
    /* a read-only mirror: no cache, same result */
  }
  return h1;
}

/** Size, inode and modification time of a file, or of every file in a directory. */
function stampOf(path: string): string {
  const st = statSync(path);
  if (!st.isDirectory()) return `${st.size}:${st.ino}:${st.mtimeMs}`;
  return readdirSync(path)
    .sort()
    .map((e) => `${e}=${stampOf(join(path, e))}`)
    .join(',');
}
