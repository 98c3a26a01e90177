// The canary scan itself: it must find a key that sits inside a real saved
// plan, whose entries Terraform deflates (a raw byte scan misses it).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canary, findCanaries, zipEntries } from './canary';
import { run } from './processes';

describe('findCanaries', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'canary-scan-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("finds a key inside a saved plan's deflated entries", async () => {
    const key = canary('plan');
    // Not sensitive, so Terraform writes the value into the plan as is.
    writeFileSync(join(dir, 'main.tf'), `resource "terraform_data" "x" {\n  input = "${key}"\n}\n`);
    const env = { ...process.env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' };
    expect((await run('terraform', ['init', '-input=false'], { cwd: dir, env })).code).toBe(0);
    const plan = await run('terraform', ['plan', '-input=false', '-out=saved.tfplan'], { cwd: dir, env });
    expect(plan.code, plan.stderr).toBe(0);

    const saved = readFileSync(join(dir, 'saved.tfplan'));
    expect(saved.includes(key), 'the raw plan file hides the key: this is why entries are unpacked').toBe(false);
    expect(zipEntries(saved).length).toBeGreaterThan(0);
    expect(findCanaries([key], [join(dir, 'saved.tfplan')], {})).toContainEqual(
      expect.stringContaining('saved.tfplan!tfplan')
    );
  });

  it('reads non-zip files as they are', () => {
    expect(zipEntries(Buffer.from('plain text'))).toEqual([]);
  });
});
