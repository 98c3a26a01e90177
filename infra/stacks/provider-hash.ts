// Terraform's "h1:" package hash (its dirhash "Hash1", what `terraform
// providers lock -fs-mirror` records and `terraform init` checks), for a
// provider package in a filesystem mirror: packed (a zip) or unpacked (a
// directory). Lets synth name the fix before `terraform init` refuses a build
// that the committed lock file does not pin.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { inflateRawSync } from 'node:zlib';

/** h1 of a set of files: sha256 over "<sha256 hex>  <name>\n" lines in name order, base64. */
function hash1(files: Array<[string, Buffer]>): string {
  const summary = createHash('sha256');
  for (const [name, content] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    summary.update(`${createHash('sha256').update(content).digest('hex')}  ${name}\n`);
  }
  return 'h1:' + summary.digest('base64');
}

export function h1OfDirectory(dir: string): string {
  const files: Array<[string, Buffer]> = [];
  const walk = (p: string) => {
    if (statSync(p).isDirectory()) for (const e of readdirSync(p)) walk(join(p, e));
    else files.push([relative(dir, p).split(sep).join('/'), readFileSync(p)]);
  };
  walk(dir);
  return hash1(files);
}

export function h1OfZip(zip: string): string {
  return hash1(zipEntries(readFileSync(zip)).filter(([name]) => !name.endsWith('/')));
}

/**
 * The entries of a zip archive, unpacked; an empty list for anything that is
 * not a zip. Only what provider packages and saved plans use: stored and
 * deflated entries, read through the central directory.
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
  if (eocd < 0) throw new Error('zip without an end-of-central-directory record: cannot read its entries');
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const out: Array<[string, Buffer]> = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error('malformed zip central directory');
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.subarray(at + 46, at + 46 + nameLen).toString('utf8');
    const dataAt = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(dataAt, dataAt + size);
    if (method === 0) out.push([name, raw]);
    else if (method === 8) out.push([name, inflateRawSync(raw)]);
    else throw new Error(`zip entry ${name} uses compression method ${method}: cannot read it`);
    at += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}
