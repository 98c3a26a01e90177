// The committed provider lock files with the real terraform 1.11 and the
// kit's real mirror:
//   - every stack's committed lock verifies at `terraform init` here, with no
//     skip flag, and init leaves it as committed;
//   - a provider build the lock does not pin stops synth with the command
//     that fixes it, and plain `terraform init` refuses it loudly too;
//   - the grafanaapp build is reproducible: the same source built from
//     another directory gives the same zip, whose hash the lock holds;
//   - the build script refuses an unknown platform and another Go version.
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploymentIn } from '../testing/fixture-config';
import { REPO_ROOT } from '../testing/doubles';
import { kit, stateDirFor, withoutUndefined, workspace, type Workspace } from '../testing/kit-runner';
import { run } from '../testing/processes';
import { h1OfZip } from './provider-hash';
import { hostPlatform, lockedHashes } from './provider-locks';

const MIRROR = process.env.KIT_TF_MIRROR as string;
const LOCKS = join(__dirname, 'locks');
const ZIP = `registry.terraform.io/platformkit/grafanaapp/terraform-provider-grafanaapp_0.1.0_${hostPlatform()}.zip`;
const INSTALL = join(REPO_ROOT, 'infra', 'terraform-provider-grafanaapp', 'scripts', 'install-to-mirror.sh');
const sha256 = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

// Several real cdktn/terraform runs per test: minutes on a loaded machine.
describe("committed provider lock files (real terraform, the kit's mirror)", { timeout: 900_000 }, () => {
  let dir: string;
  let ws: Workspace;
  const stack = (name: string) => join(ws.outdir, 'stacks', name);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kit-locks-'));
    const cfg = deploymentIn(dir);
    cfg.backend = { kind: 'local', stateDir: stateDirFor(dir) };
    ws = workspace(dir, cfg);
    const s = await kit('synth', ws, {});
    expect(s.code, s.stdout + s.stderr).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['apibridge-plugin-settings', 'plugin-settings.terraform.lock.hcl', 'platformkit/grafanaapp'],
    ['apibridge-grafana-docker', 'grafana-docker.offline.terraform.lock.hcl', 'kreuzwerker/docker'],
  ])(
    '%s: terraform init verifies the providers against %s and leaves it as committed',
    async (name, lockName, provider) => {
      const committed = readFileSync(join(LOCKS, lockName), 'utf8');
      expect(readFileSync(join(stack(name), '.terraform.lock.hcl'), 'utf8')).toBe(committed);
      const init = await run('terraform', [`-chdir=${stack(name)}`, 'init', '-input=false', '-no-color'], {
        timeoutMs: 180_000,
      });
      expect(init.code, init.stdout + init.stderr).toBe(0);
      expect(init.stdout).toContain(`Reusing previous version of ${provider} from the dependency lock file`);
      expect(readFileSync(join(stack(name), '.terraform.lock.hcl'), 'utf8')).toBe(committed);
    }
  );

  it("registry mode's CLI config installs our provider from the mirror (no registry needed for it, so this runs offline too)", async () => {
    const rc = join(process.env.KIT_TOOLS as string, 'terraform-registry.rc');
    expect(readFileSync(rc, 'utf8')).toMatch(
      /filesystem_mirror[\s\S]*include = \["registry\.terraform\.io\/platformkit\/\*"\][\s\S]*direct[\s\S]*exclude = \["registry\.terraform\.io\/platformkit\/\*"\]/
    );
    const copy = join(dir, 'registry-mode');
    cpSync(stack('apibridge-plugin-settings'), copy, {
      recursive: true,
      filter: (src) => !src.includes('.terraform/') && !src.endsWith('terraform.d'),
    });
    rmSync(join(copy, '.terraform'), { recursive: true, force: true });
    const init = await run('terraform', [`-chdir=${copy}`, 'init', '-input=false', '-no-color'], {
      env: withoutUndefined({ ...process.env, TF_CLI_CONFIG_FILE: rc, TF_PLUGIN_CACHE_DIR: undefined }),
      timeoutMs: 120_000,
    });
    expect(init.code, init.stdout + init.stderr).toBe(0);
    expect(init.stdout).toContain('Installed platformkit/grafanaapp v0.1.0 (unauthenticated)');
  });

  it('pins grafanaapp for all five platforms', () => {
    const hashes = lockedHashes(
      readFileSync(join(LOCKS, 'plugin-settings.terraform.lock.hcl'), 'utf8'),
      'registry.terraform.io/platformkit/grafanaapp'
    );
    expect(hashes).toHaveLength(5);
    expect(hashes).toContain(h1OfZip(join(MIRROR, ZIP)));
  });

  describe('a build the lock does not pin', () => {
    let tampered: string;
    beforeAll(async () => {
      // The kit's mirror, with this machine's grafanaapp zip replaced by a build that differs by one byte.
      tampered = join(dir, 'tampered-mirror');
      cpSync(
        join(MIRROR, 'registry.terraform.io', 'platformkit'),
        join(tampered, 'registry.terraform.io', 'platformkit'),
        { recursive: true }
      );
      const script =
        "import sys, zipfile\nsrc = zipfile.ZipFile(sys.argv[1]); name = src.namelist()[0]; data = src.read(name) + b'\\0'\nzipfile.ZipFile(sys.argv[2], 'w').writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data)\n";
      const py = await run('python3', ['-c', script, join(MIRROR, ZIP), join(tampered, ZIP)]);
      expect(py.code, py.stderr).toBe(0);
    });

    it('stops synth with the hash, the lock file and the command that fixes it', async () => {
      const s = await kit('synth', ws, { KIT_TF_MIRROR: tampered });
      expect(s.code).not.toBe(0);
      expect(s.stdout + s.stderr).toMatch(
        /provider platformkit\/grafanaapp 0\.1\.0: the build in the mirror \(linux_amd64, h1:[A-Za-z0-9+/=]+\) is not the one infra\/stacks\/locks\/plugin-settings\.terraform\.lock\.hcl pins, so terraform init would refuse it\. Fix: .*npm run providers:lock/
      );
    });

    it('is refused by plain terraform init too, loudly', async () => {
      const rc = join(dir, 'tampered.rc');
      writeFileSync(rc, `provider_installation {\n  filesystem_mirror {\n    path = "${tampered}"\n  }\n}\n`);
      const stackCopy = join(dir, 'stack-copy');
      cpSync(stack('apibridge-plugin-settings'), stackCopy, {
        recursive: true,
        filter: (src) => !src.includes('.terraform/') && !src.endsWith('terraform.d'),
      });
      rmSync(join(stackCopy, '.terraform'), { recursive: true, force: true });
      // No plugin cache: it holds the pinned build, which terraform would take instead of the mirror's.
      const init = await run('terraform', [`-chdir=${stackCopy}`, 'init', '-input=false', '-no-color'], {
        env: withoutUndefined({ ...process.env, TF_CLI_CONFIG_FILE: rc, TF_PLUGIN_CACHE_DIR: undefined }),
        timeoutMs: 120_000,
      });
      expect(init.code).not.toBe(0);
      // Terraform wraps its message at 80 columns.
      expect((init.stdout + init.stderr).replace(/\s+/g, ' ')).toMatch(
        /platformkit\/grafanaapp 0\.1\.0 doesn't match any of the checksums previously recorded in the dependency lock file/
      );
    });
  });

  it('builds grafanaapp reproducibly: the same source from another directory gives the same zip, which the lock pins', async () => {
    const copy = join(dir, 'elsewhere', 'terraform-provider-grafanaapp');
    cpSync(join(REPO_ROOT, 'infra', 'terraform-provider-grafanaapp'), copy, { recursive: true });
    const mirror2 = join(dir, 'mirror2');
    const b = await run('bash', [join(copy, 'scripts', 'install-to-mirror.sh'), mirror2], { timeoutMs: 600_000 });
    expect(b.code, b.stderr).toBe(0);
    expect(sha256(join(mirror2, ZIP))).toBe(sha256(join(MIRROR, ZIP)));
    // Up to date by source hash the second time: no build.
    const again = await run('bash', [join(copy, 'scripts', 'install-to-mirror.sh'), mirror2], { timeoutMs: 120_000 });
    expect(again.stderr).toContain(`grafanaapp 0.1.0 ${hostPlatform()}: up to date`);
  });

  it('refuses an unknown platform and a Go toolchain other than the pinned one', async () => {
    const bad = await run('bash', [INSTALL, join(dir, 'm3'), '--platforms', 'plan9_amd64']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /--platforms: "plan9_amd64" is not one of: linux_amd64 linux_arm64 darwin_amd64 darwin_arm64 windows_amd64/
    );
    // Another pinned version, with the Go module proxy off so the go command cannot fetch it.
    const otherGo = await run('bash', [INSTALL, join(dir, 'm4')], {
      env: { ...process.env, KIT_PROVIDER_GO: 'go1.26.0', GOPROXY: 'off' },
    });
    expect(otherGo.code).toBe(1);
    expect(otherGo.stderr).toMatch(
      /the grafanaapp provider's reproducible build needs go1\.26\.0; the go command gave .*\. Fix: install go1\.26\.0/
    );
  });
});
