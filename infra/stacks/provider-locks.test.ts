// placeProviderFiles on a made-up repository, mirror and stack directory:
// the committed lock is copied in (over a stale one), the mirror is linked,
// and a build the lock does not pin stops synth with the command that fixes it.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../config/config-error';
import { h1OfDirectory } from './provider-hash';
import { hostPlatform, lockedHashes, placeProviderFiles, providerMode } from './provider-locks';

const lockOf = (source: string, hashes: string[]) =>
  `provider "${source}" {\n  version     = "0.1.0"\n  constraints = "0.1.0"\n  hashes = [\n${hashes.map((h) => `    "${h}",\n`).join('')}  ]\n}\n`;

describe('placeProviderFiles', () => {
  let root: string;
  let mirror: string;
  let outdir: string;
  const stackDir = () => join(outdir, 'stacks', 'apibridge-plugin-settings');
  const where = (mode: 'offline' | 'registry' = 'offline') => ({ outdir, repoRoot: root, mirror, mode });
  const problems = (fn: () => void) => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as Error).message;
    }
    throw new Error('expected a ConfigError');
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'kit-locks-'));
    mirror = join(root, '.tools', 'terraform-mirror');
    outdir = join(root, 'cdktf.out');
    // An unpacked package of platformkit/dummy for this machine, and a stack that requires it.
    const pkg = join(mirror, 'registry.terraform.io', 'platformkit', 'dummy', '0.1.0', hostPlatform());
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, 'terraform-provider-dummy_v0.1.0'), 'the build');
    mkdirSync(stackDir(), { recursive: true });
    writeFileSync(
      join(stackDir(), 'cdk.tf.json'),
      JSON.stringify({
        terraform: { required_providers: { dummy: { source: 'platformkit/dummy', version: '0.1.0' } } },
      })
    );
    mkdirSync(join(root, 'infra', 'stacks', 'locks'), { recursive: true });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const commitLock = (hashes: string[], name = 'plugin-settings.terraform.lock.hcl') =>
    writeFileSync(
      join(root, 'infra', 'stacks', 'locks', name),
      lockOf('registry.terraform.io/platformkit/dummy', hashes)
    );
  const host = () =>
    h1OfDirectory(join(mirror, 'registry.terraform.io', 'platformkit', 'dummy', '0.1.0', hostPlatform()));

  it('copies the committed lock over a stale one and links terraform.d/plugins to the mirror', () => {
    commitLock(['h1:other-platform=', host()]);
    writeFileSync(join(stackDir(), '.terraform.lock.hcl'), 'stale');
    placeProviderFiles([{ name: 'apibridge-plugin-settings', kind: 'plugin-settings' }], where());
    expect(readFileSync(join(stackDir(), '.terraform.lock.hcl'), 'utf8')).toContain(host());
    expect(readlinkSync(join(stackDir(), 'terraform.d', 'plugins'))).toBe('../../../../.tools/terraform-mirror');
    placeProviderFiles([{ name: 'apibridge-plugin-settings', kind: 'plugin-settings' }], where()); // again: the link is replaced, not nested
    expect(existsSync(join(stackDir(), 'terraform.d', 'plugins', 'registry.terraform.io'))).toBe(true);
  });

  it('stops on a build the lock does not pin, naming the provider, the hash, the lock and the fix', () => {
    commitLock(['h1:not-this-build=']);
    const message = problems(() =>
      placeProviderFiles([{ name: 'apibridge-plugin-settings', kind: 'plugin-settings' }], where())
    );
    expect(message).toContain(
      `provider platformkit/dummy 0.1.0: the build in the mirror (${hostPlatform()}, ${host()}) is not the one infra/stacks/locks/plugin-settings.terraform.lock.hcl pins, so terraform init would refuse it`
    );
    expect(message).toMatch(
      /Fix: if the provider's source changed on purpose, run `npm run providers:lock` and commit infra\/stacks\/locks\/; otherwise rebuild it as pinned with `npm run provider:install`/
    );
  });

  it('does not let its hash cache hide a rebuilt provider', () => {
    commitLock([host()]);
    placeProviderFiles([{ name: 'apibridge-plugin-settings', kind: 'plugin-settings' }], where());
    writeFileSync(
      join(
        mirror,
        'registry.terraform.io',
        'platformkit',
        'dummy',
        '0.1.0',
        hostPlatform(),
        'terraform-provider-dummy_v0.1.0'
      ),
      'another build'
    );
    expect(
      problems(() => placeProviderFiles([{ name: 'apibridge-plugin-settings', kind: 'plugin-settings' }], where()))
    ).toMatch(/is not the one .* pins/);
  });

  it('says what to run when the provider is not built at all, or not in the lock', () => {
    commitLock([host()]);
    rmSync(join(mirror, 'registry.terraform.io'), { recursive: true });
    expect(
      problems(() => placeProviderFiles([{ name: 'apibridge-plugin-settings', kind: 'plugin-settings' }], where()))
    ).toMatch(
      /provider platformkit\/dummy 0\.1\.0: is not in the provider mirror .* Fix: run `bash scripts\/bootstrap\.sh`/
    );
    writeFileSync(join(root, 'infra', 'stacks', 'locks', 'plugin-settings.terraform.lock.hcl'), '# no providers\n');
    mkdirSync(join(mirror, 'registry.terraform.io', 'platformkit', 'dummy', '0.1.0', hostPlatform()), {
      recursive: true,
    });
    writeFileSync(
      join(
        mirror,
        'registry.terraform.io',
        'platformkit',
        'dummy',
        '0.1.0',
        hostPlatform(),
        'terraform-provider-dummy_v0.1.0'
      ),
      'x'
    );
    expect(
      problems(() => placeProviderFiles([{ name: 'apibridge-plugin-settings', kind: 'plugin-settings' }], where()))
    ).toMatch(
      /is not in infra\/stacks\/locks\/plugin-settings\.terraform\.lock\.hcl\. Fix: run `npm run providers:lock`/
    );
  });

  it('prefers the offline lock in offline mode, and checks only platformkit providers in registry mode', () => {
    commitLock(['h1:the-registry-build=']);
    commitLock([host()], 'plugin-settings.offline.terraform.lock.hcl');
    placeProviderFiles([{ name: 'apibridge-plugin-settings', kind: 'plugin-settings' }], where('offline'));
    expect(readFileSync(join(stackDir(), '.terraform.lock.hcl'), 'utf8')).toContain(host());
    writeFileSync(
      join(stackDir(), 'cdk.tf.json'),
      JSON.stringify({ terraform: { required_providers: { d: { source: 'example/thirdparty', version: '1.0.0' } } } })
    );
    writeFileSync(
      join(root, 'infra', 'stacks', 'locks', 'plugin-settings.terraform.lock.hcl'),
      lockOf('registry.terraform.io/example/thirdparty', ['h1:x='])
    );
    expect(() =>
      placeProviderFiles([{ name: 'apibridge-plugin-settings', kind: 'plugin-settings' }], where('registry'))
    ).not.toThrow();
  });
});

describe('providerMode', () => {
  it("takes KIT_PROVIDER_MODE, else the set-up's record, else offline; refuses anything else", () => {
    const root = mkdtempSync(join(tmpdir(), 'kit-mode-'));
    try {
      expect(providerMode({}, root)).toBe('offline');
      mkdirSync(join(root, '.tools'));
      writeFileSync(join(root, '.tools', 'provider-mode'), 'registry\n');
      expect(providerMode({}, root)).toBe('registry');
      expect(providerMode({ KIT_PROVIDER_MODE: 'offline' }, root)).toBe('offline');
      expect(() => providerMode({ KIT_PROVIDER_MODE: 'mirror' }, root)).toThrow(
        /KIT_PROVIDER_MODE: "mirror" is not a provider mode\. Fix: set it to "registry"/
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('lockedHashes', () => {
  it("reads one provider's hashes from a lock file", () => {
    const lock =
      lockOf('registry.terraform.io/a/b', ['h1:one=', 'zh:two']) + lockOf('registry.terraform.io/c/d', ['h1:three=']);
    expect(lockedHashes(lock, 'registry.terraform.io/a/b')).toEqual(['h1:one=', 'zh:two']);
    expect(lockedHashes(lock, 'registry.terraform.io/c/d')).toEqual(['h1:three=']);
    expect(lockedHashes(lock, 'registry.terraform.io/x/y')).toBeUndefined();
  });
});
