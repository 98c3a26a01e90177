// Test helper: a unique canary value per test, and a scan of every file and
// text an operation produced. A hit names where the key leaked.
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { inflateRawSync } from "node:zlib";

export function canary(label: string): string {
  return `canary-${label}-${randomBytes(12).toString("hex")}`;
}

/** Every file under `dirs` (recursively, including binaries) and every text, checked for each canary. */
export function findCanaries(canaries: string[], dirs: string[], texts: Record<string, string>): string[] {
  const hits: string[] = [];
  const check = (where: string, content: Buffer | string) => {
    for (const c of canaries) if (content.includes(c)) hits.push(`${c.slice(0, 20)}… in ${where}`);
  };
  const walk = (p: string) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
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
    if (statSync(p).isDirectory()) for (const e of readdirSync(p)) walk(join(p, e));
    else out.push(p);
  };
  dirs.forEach(walk);
  return out;
}

/**
 * Files under `roots` changed at or after `since` (ms since the epoch), for
 * scanning what an operation wrote outside its own directory. Skips the
 * named directory names (dependencies, toolchains, git objects).
 */
export function filesChangedSince(since: number, roots: string[], skip = ["node_modules", ".git", ".tools", ".gen", "go-build"]): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    let st;
    try {
      st = statSync(p);
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

/**
 * The entries of a zip archive (Terraform's saved plan format), unpacked; an
 * empty list for anything that is not a zip. Only what a canary scan needs:
 * stored and deflated entries, read through the central directory.
 */
export function zipEntries(buf: Buffer): Array<[string, Buffer]> {
  if (buf.length < 22 || buf.readUInt32LE(0) !== 0x04034b50) return [];
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error("zip without an end-of-central-directory record: cannot scan its entries");
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const out: Array<[string, Buffer]> = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error("malformed zip central directory");
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.subarray(at + 46, at + 46 + nameLen).toString("utf8");
    const dataAt = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(dataAt, dataAt + size);
    if (method === 0) out.push([name, raw]);
    else if (method === 8) out.push([name, inflateRawSync(raw)]);
    else throw new Error(`zip entry ${name} uses compression method ${method}: cannot scan it`);
    at += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}
