// Paths as Terraform sees them. Terraform runs in <outdir>/stacks/<stack>, so
// a repository-relative path in the config becomes a path relative to that
// directory: synth output stays the same on every machine.
import { isAbsolute, relative, resolve } from 'node:path';

export interface StackPlacement {
  /** Synth output directory (app.outdir). */
  outdir: string;
  /** Repository root that relative paths in the config are resolved against. */
  baseDir: string;
}

export function pathFromStack(where: StackPlacement, stackName: string, p: string): string {
  if (isAbsolute(p)) return p;
  return relative(resolve(where.outdir, 'stacks', stackName), resolve(where.baseDir, p));
}

/** Docker bind mounts need absolute host paths. */
export function absoluteHostPath(where: StackPlacement, p: string): string {
  return isAbsolute(p) ? p : resolve(where.baseDir, p);
}
