// Test helper: a real age identity and a SOPS file encrypted for it, written
// and rotated through stdin so no plaintext copy of the key touches disk.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { run } from './processes';

export interface SopsFile {
  file: string;
  ageKeyFile: string;
  env: Record<string, string>;
  /** Replaces the key in the file (sops set --value-stdin). */
  rotate(value: string): Promise<void>;
}

function withStdin(
  cmd: string,
  args: string[],
  input: string,
  env: NodeJS.ProcessEnv
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    c.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    c.on('error', reject);
    c.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    c.stdin.end(input);
  });
}

export async function sopsFile(dir: string, key: string, value: string): Promise<SopsFile> {
  const ageKeyFile = join(dir, 'identity.age.key');
  const gen = await run('age-keygen', ['-o', ageKeyFile]);
  if (gen.code !== 0) throw new Error(`age-keygen failed: ${gen.stderr}`);
  const recipient = /public key: (age1[0-9a-z]+)/.exec(readFileSync(ageKeyFile, 'utf8'))![1];
  const env = { ...process.env, SOPS_AGE_KEY_FILE: ageKeyFile };
  const file = join(dir, 'apibridge.sops.yaml');
  const enc = await withStdin(
    'sops',
    ['encrypt', '--age', recipient, '--filename-override', 'apibridge.sops.yaml', '--output', file],
    `${key}: ${JSON.stringify(value)}\n`,
    env
  );
  if (enc.code !== 0) throw new Error(`sops encrypt failed: ${enc.stderr}`);
  return {
    file,
    ageKeyFile,
    env: { SOPS_AGE_KEY_FILE: ageKeyFile },
    async rotate(v: string) {
      const r = await withStdin('sops', ['set', '--value-stdin', file, `["${key}"]`], JSON.stringify(v), env);
      if (r.code !== 0) throw new Error(`sops set failed: ${r.stderr}`);
    },
  };
}
