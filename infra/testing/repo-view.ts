// Test helper: a directory that looks like a checkout of this repository to
// cdktn and terraform (the app's sources, the installed packages, bindings,
// toolchains and provider mirror linked in; cdktf.json and package.json
// copied), so a test can run the README's plain commands exactly as written
// (`npx cdktn deploy ...`, `terraform -chdir=cdktf.out/stacks/...`) without
// touching the repository's own cdktf.out/ or state.
import { copyFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './doubles';

export function repoView(dir: string): string {
  for (const linked of ['infra', 'node_modules', '.gen', '.tools', 'terraform.d', 'docs'])
    symlinkSync(join(REPO_ROOT, linked), join(dir, linked));
  for (const copied of ['cdktf.json', 'package.json', 'package-lock.json', 'tsconfig.json'])
    copyFileSync(join(REPO_ROOT, copied), join(dir, copied));
  return dir;
}
