// loadConfig's own refusals must not print what the file holds.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './load';

describe('loadConfig', () => {
  it('refuses a KIT_CONFIG file that is not JSON without quoting its text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kit-load-'));
    try {
      writeFileSync(join(dir, 'bad.json'), '{"apiKey": "sk-live-do-not-print" oops}');
      const message = await loadConfig({ KIT_CONFIG: 'bad.json' }, dir).catch((e: Error) => e.message);
      expect(message).toMatch(
        /KIT_CONFIG: cannot load "bad\.json": it is not valid JSON\. Fix: point KIT_CONFIG at a \.ts or \.json file/
      );
      expect(message).not.toContain('sk-live');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
