// Test helper: a cdktn Testing app with the same targetVersions the CLI
// passes from cdktf.json (without them synth refuses write-only attributes).
import { Testing, type App, type TerraformStack } from 'cdktn';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { onTestFinished } from 'vitest';

const cdktfJson = JSON.parse(readFileSync(resolve(__dirname, '../../cdktf.json'), 'utf8')) as {
  targetVersions: Record<string, string>;
};

/** Call inside a test: the synth output (with any .terraform/ from toBeValidTerraform) is removed when the test ends. */
export function testApp(): App {
  const outdir = mkdtempSync(join(tmpdir(), 'kit-synth-'));
  onTestFinished(() => rmSync(outdir, { recursive: true, force: true }));
  return Testing.app({ outdir, context: { targetVersions: cdktfJson.targetVersions } });
}

/** Testing.fullSynth into its own temporary directory, removed when the test ends. */
export function fullSynth(stack: TerraformStack): string {
  const dir = Testing.fullSynth(stack);
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
