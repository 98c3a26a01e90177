// The app cdktn runs (cdktf.json "app"): synthesizes the stack, then puts the
// team's committed provider lock into the stack directory, so terraform init
// verifies the provider against it.
import { App } from 'cdktn';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InventoryStack, type InventoryConfig } from './stack';

const cfg = JSON.parse(readFileSync(join(__dirname, 'inventory.config.json'), 'utf8')) as InventoryConfig;
const app = new App();
new InventoryStack(app, 'inventory', cfg);
app.synth();
copyFileSync(
  join(__dirname, 'inventory.terraform.lock.hcl'),
  join(app.outdir, 'stacks', 'inventory', '.terraform.lock.hcl')
);
