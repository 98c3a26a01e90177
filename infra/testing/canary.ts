// Test helper: a unique canary value per test, and a scan of every file and
// text an operation produced. A hit names where the key leaked.
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { zipEntries } from '../stacks/provider-hash';

export { zipEntries };

export function canary(label: string): string {
  return `canary-${label}-${randomBytes(12).toString('hex')}`;
}

/** Every file under `dirs` (recursively, including binaries) and every text, checked for each canary. */
export function findCanaries(canaries: string[], dirs: string[], texts: Record<string, string>): string[] {
  const hits: string[] = [];
  const check = (where: string, content: Buffer | string) => {
    for (const c of canaries) if (content.includes(c)) hits.push(`${c.slice(0, 20)}… in ${where}`);
  };
  const walk = (p: string) => {
    if (!existsSync(p)) return;
    // lstat: links (a stack's terraform.d/plugins -> the provider mirror) point outside what the operation wrote.
    const st = lstatSync(p);
    if (st.isDirectory()) for (const e of readdirSync(p)) walk(join(p, e));
    else if (st.isFile() && st.size < 512 * 1024 * 1024) {
      const content = readFileSync(p);
      check(p, content);
      // Saved plans are zip archives whose entries are deflated: a raw scan
      // would miss a key inside them, so each entry is scanned unpacked.
      for (const [entry, data] of zipEntries(content)) check(`${p}!${entry}`, data);
    }
  };
  dirs.forEach(walk);
  for (const [name, text] of Object.entries(texts)) check(name, text);
  return hits;
}

/** Files scanned, so a test can assert the scan saw what it should. */
export function listFiles(dirs: string[]): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    if (!existsSync(p)) return;
    const st = lstatSync(p);
    if (st.isDirectory()) for (const e of readdirSync(p)) walk(join(p, e));
    else if (st.isFile()) out.push(p);
  };
  dirs.forEach(walk);
  return out;
}

/**
 * Files under `roots` changed at or after `since` (ms since the epoch), for
 * scanning what an operation wrote outside its own directory. Skips the
 * named directory names (dependencies, toolchains, git objects).
 */
export function filesChangedSince(
  since: number,
  roots: string[],
  skip = ['node_modules', '.git', '.tools', '.gen', 'go-build']
): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    let st;
    try {
      st = lstatSync(p);
    } catch {
      return; // removed while we walked
    }
    if (st.isDirectory()) {
      if (skip.includes(basename(p))) return;
      let entries: string[];
      try {
        entries = readdirSync(p);
      } catch {
        return;
      }
      for (const e of entries) walk(join(p, e));
    } else if (st.isFile() && st.mtimeMs >= since) out.push(p);
  };
  roots.forEach(walk);
  return out;
}
