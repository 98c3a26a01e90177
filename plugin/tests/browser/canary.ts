// Test code: the key's canary scan. Every artifact a test produced is
// searched for the unique key value; a hit names the artifact.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

export function newCanary(label: string): string {
  return `canary-${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

export interface Artifact {
  name: string;
  content: string | Buffer;
}

/** The names of the artifacts that contain the canary. */
export function artifactsContaining(canary: string, artifacts: Artifact[]): string[] {
  const needle = Buffer.from(canary);
  return artifacts
    .filter((a) => (typeof a.content === 'string' ? a.content.includes(canary) : a.content.includes(needle)))
    .map((a) => a.name);
}

/** Every file under dir, as artifacts. */
export async function filesUnder(dir: string): Promise<Artifact[]> {
  const out: Artifact[] = [];
  for (const entry of await readdir(dir, { recursive: true })) {
    const file = path.join(dir, entry);
    if ((await stat(file)).isFile()) {
      out.push({ name: file, content: await readFile(file) });
    }
  }
  return out;
}
