import { Testing, TerraformStack } from 'cdktn';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { testApp } from '../../testing/test-app';
import { EnvironmentSecret } from './environment';
import { EphemeralVariableSecret } from './ephemeral-variable';
import { OpenBaoKv2Secret } from './openbao-kv2';
import { SopsAgeSecret } from './sops-age';

describe('secret source constructs', () => {
  it('derive unique variable names from their path in the stack, and expose them with the store path', () => {
    const s = new TerraformStack(testApp(), 'st');
    const team = new Construct(s, 'Team-A');
    const a = new SopsAgeSecret(team, 'db.password', { file: 'a.sops.yaml', key: 'pw' });
    const b = new SopsAgeSecret(s, 'db-password', { file: 'b.sops.json', key: 'pw', version: 3 });
    const c = new EphemeralVariableSecret(s, '1st', { version: 2 });
    expect(a.binding).toEqual({
      kind: 'sops-age',
      keyVariable: 'team_a_db_password',
      versionVariable: 'team_a_db_password_version',
      file: 'a.sops.yaml',
      key: 'pw',
    });
    // Pinned: no version variable, the version is a constant.
    expect(b.binding).toEqual({
      kind: 'sops-age',
      keyVariable: 'db_password',
      file: 'b.sops.json',
      key: 'pw',
      version: 3,
    });
    expect(b.version).toBe(3);
    expect(c.binding).toEqual({ kind: 'ephemeral-variable', keyVariable: 's_1st', version: 2 });
    const vars = Object.keys(JSON.parse(Testing.synth(s)).variable).sort();
    expect(vars).toEqual(['db_password', 's_1st', 'team_a_db_password', 'team_a_db_password_version']);
  });

  it('refuse a second source with the same variable in one stack, and allow it in another stack', () => {
    const app = testApp();
    const s = new TerraformStack(app, 'st');
    new EnvironmentSecret(s, 'token', { envName: 'TOKEN_A', version: 1 });
    expect(
      () => new OpenBaoKv2Secret(s, 'other', { variableName: 'token', mount: 'secret', path: 'p', field: 'f' })
    ).toThrow(
      /OpenBaoKv2Secret st\/other: bad props:\n {2}variableName: the variable "token" is already declared by st\/token in stack st\. Fix: give each secret source its own construct id, or its own variableName/
    );
    expect(
      () => new EnvironmentSecret(new TerraformStack(app, 'st2'), 'token', { envName: 'TOKEN_B', version: 1 })
    ).not.toThrow();
  });

  it('refuse bad props with every problem and its fix, never repeating what may be a secret', () => {
    const s = new TerraformStack(testApp(), 'st');
    expect(
      () =>
        new OpenBaoKv2Secret(s, 'kv', {
          variableName: 'Bad-Name',
          mount: '/secret/',
          path: 'data/',
          field: '',
          version: 0,
        })
    ).toThrow(
      /variableName: "Bad-Name" is not a Terraform variable name.*\n.*versionVariableName: "Bad-Name_version".*\n.*mount: "\/secret\/" is not a KV mount.*\n.*path: "data\/" is not a secret path.*\n.*field: is empty.*\n.*version: 0 is not a version/
    );
    const leaked = 'glsa_' + 'x'.repeat(20);
    expect(() => new EnvironmentSecret(s, 'env', { envName: leaked, version: 1 })).toThrow(
      /envName: is not an environment variable name/
    );
    try {
      new EnvironmentSecret(s, 'env2', { envName: leaked, version: 1 });
    } catch (e) {
      expect((e as Error).message).not.toContain(leaked);
    }
    expect(() => new SopsAgeSecret(s, 'sops', { file: 'secrets.txt', key: 'a-b' })).toThrow(
      /file: "secrets\.txt" is not a \.yaml, \.yml or \.json file.*\n.*key: "a-b" is not a top-level key/
    );
  });
});
