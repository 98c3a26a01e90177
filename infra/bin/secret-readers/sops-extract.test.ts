// sopsExtract's bounds, with a stand-in `sops` on PATH (a test double of the
// CLI that hangs or floods); the real sops runs in sops-age.integration.test.ts.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sopsExtract } from './sops-age';

describe('sopsExtract', () => {
  let bin: string;
  const fakeSops = (script: string) => {
    writeFileSync(join(bin, 'sops'), `#!/bin/sh\n${script}\n`);
    chmodSync(join(bin, 'sops'), 0o755);
    return { ...process.env, PATH: `${bin}:${process.env.PATH}` };
  };
  const cfg = { file: 'secrets.enc.yaml', key: 'apibridge_api_key', keyField: 'secretSource.key' };
  beforeEach(() => {
    bin = mkdtempSync(join(tmpdir(), 'fake-sops-'));
  });
  afterEach(() => rmSync(bin, { recursive: true, force: true }));

  it('returns the value sops prints, without the trailing newline', async () => {
    await expect(sopsExtract('f', cfg, fakeSops('echo the-value'))).resolves.toBe('the-value');
  });

  it('stops a sops that never answers, and says what to check', async () => {
    const env = fakeSops('exec sleep 30');
    await expect(sopsExtract('f', cfg, env, { timeoutMs: 300, maxBytes: 1024 })).rejects.toThrow(
      /sops could not decrypt secrets\.enc\.yaml: sops gave no answer within 0\.3 s: check the age identity/
    );
  });

  it('refuses a value far larger than any API key', async () => {
    const env = fakeSops("head -c 100000 /dev/zero | tr '\\\\0' x");
    await expect(sopsExtract('f', cfg, env, { timeoutMs: 5000, maxBytes: 1024 })).rejects.toThrow(
      /holds more than 1024 bytes, which is no API key: fix secretSource\.key/
    );
  });
});
