// The readers that need no store: the environment and ephemeral-variable
// readers, placeholders, and readSecrets merging several readers (the store
// readers run against real OpenBao and sops in the *.integration.test.ts files).
import { describe, expect, it } from 'vitest';
import { environmentReader } from './environment';
import { ephemeralVariableReader } from './ephemeral-variable';
import { openBaoKv2Reader } from './openbao-kv2';
import { PLACEHOLDER_KEY } from './reader';
import { readSecrets } from './read-secrets';

const ctx = (env: Record<string, string>) => ({ env, baseDir: '.' });
const envSource = environmentReader({
  kind: 'environment',
  keyVariable: 'inventory_token',
  envName: 'INVENTORY_TOKEN',
  version: 2,
});

describe('secret readers', () => {
  it('copy an environment secret into its TF_VAR_ only, and name the variable when it is missing, never a value', async () => {
    expect(await envSource.read(ctx({ INVENTORY_TOKEN: 'tok-1' }))).toEqual({
      env: { TF_VAR_inventory_token: 'tok-1' },
      version: '2',
      from: 'the environment variable INVENTORY_TOKEN',
    });
    await expect(envSource.read(ctx({}))).rejects.toThrow(
      /INVENTORY_TOKEN is not set: the deploy job must export the secret there/
    );
  });

  it('merge several readers, each filling only its own variables, with one record each', async () => {
    const r = await readSecrets(
      [envSource, ephemeralVariableReader({ kind: 'ephemeral-variable', keyVariable: 'other', version: 5 })],
      ctx({ INVENTORY_TOKEN: 'tok-1', TF_VAR_other: 'set-by-caller' })
    );
    expect(r.env).toEqual({ TF_VAR_inventory_token: 'tok-1' });
    expect(r.secrets).toEqual([
      { variable: 'inventory_token', version: '2', from: 'the environment variable INVENTORY_TOKEN' },
      { variable: 'other', version: '5', from: 'TF_VAR_other (set by the caller)' },
    ]);
  });

  it('refuse two readers that would fill the same variable', async () => {
    await expect(readSecrets([envSource, envSource], ctx({ INVENTORY_TOKEN: 'tok-1' }))).rejects.toThrow(
      /TF_VAR_inventory_token would be set by two secret readers: give each secret source its own variable name/
    );
  });

  it('give placeholders without reading anything; a store version that is not pinned cannot be planned', async () => {
    const bao = {
      kind: 'openbao-kv2',
      keyVariable: 'api_token',
      mount: 'secret',
      path: 'inventory',
      field: 'token',
    } as const;
    const auth = { method: 'token', tokenEnv: 'BAO_TOKEN' } as const;
    const pinned = openBaoKv2Reader({ ...bao, version: 4 }, { auth });
    expect((await readSecrets([pinned], ctx({}), 'plan')).env).toEqual({ TF_VAR_api_token: PLACEHOLDER_KEY });
    const current = openBaoKv2Reader({ ...bao, versionVariable: 'api_token_version' }, { auth });
    expect(() => current.placeholder(ctx({}), 'plan')).toThrow(
      /needs the key's version pinned .*Fix: set version to the version the apply will deploy/
    );
    expect(current.placeholder(ctx({}), 'destroy').env).toEqual({
      TF_VAR_api_token: PLACEHOLDER_KEY,
      TF_VAR_api_token_version: '1',
    });
  });
});
