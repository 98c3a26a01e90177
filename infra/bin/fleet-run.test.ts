import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/config-error';
import { fleetTargets } from '../config/fleet';
import type { DeploymentConfig } from '../config/types';
import { fixtureConfig } from '../testing/fixture-config';
import { checkFleetRun, chosenTargets, withoutOtherKeys } from './fleet-run';
import { parseKitArgs } from './kit-args';

function fleet(): DeploymentConfig {
  const { cfg } = fixtureConfig();
  cfg.docker.enabled = false;
  cfg.fleet = {
    targets: [
      { name: 'a', secretSource: { kind: 'ephemeral-variable', variableName: 'key_a', version: 1 } },
      { name: 'b', secretSource: { kind: 'ephemeral-variable', variableName: 'key_b', version: 1 } },
      { name: 'c' },
    ],
  };
  return cfg;
}

describe('chosenTargets', () => {
  it('takes every target, those --targets names, or those whose stacks are named', () => {
    const cfg = fleet();
    const names = (argv: string[]) => chosenTargets(cfg, parseKitArgs(argv)).map((t) => t.name);
    expect(names(['deploy'])).toEqual(['a', 'b', 'c']);
    expect(names(['deploy', '--targets', 'c,a'])).toEqual(['a', 'c']);
    expect(names(['diff', 'apibridge-b-plugin-settings'])).toEqual(['b']);
  });

  it('refuses a target or stack the fleet does not have, listing the ones it has', () => {
    const cfg = fleet();
    expect(() => chosenTargets(cfg, parseKitArgs(['deploy', '--targets', 'a,x']))).toThrow(
      /--targets: "x" is not a target of this fleet\. Fix: choose from: a, b, c/
    );
    expect(() => chosenTargets(cfg, parseKitArgs(['deploy', 'apibridge-plugin-settings']))).toThrow(
      /stack: "apibridge-plugin-settings" is not a stack of this fleet\. Fix: choose from: apibridge-a-plugin-settings, /
    );
  });
});

describe('withoutOtherKeys', () => {
  it("leaves a target's child its own key variable only", () => {
    const cfg = fleet();
    const all = fleetTargets(cfg);
    // The fixture's own source (target c inherits it) is TF_VAR_apibridge_api_key.
    const env = { PATH: '/bin', TF_VAR_key_a: 'ka', TF_VAR_key_b: 'kb', TF_VAR_apibridge_api_key: 'kc' };
    expect(withoutOtherKeys(env, all[0], all, cfg)).toEqual({ PATH: '/bin', TF_VAR_key_a: 'ka' });
    expect(withoutOtherKeys(env, all[1], all, cfg)).toEqual({ PATH: '/bin', TF_VAR_key_b: 'kb' });
    expect(withoutOtherKeys(env, all[2], all, cfg)).toEqual({ PATH: '/bin', TF_VAR_apibridge_api_key: 'kc' });
  });
});

describe('checkFleetRun', () => {
  it('refuses a TF_DATA_DIR every target would share', () => {
    expect(() => checkFleetRun({ TF_DATA_DIR: '/tmp/tf' })).toThrow(ConfigError);
    expect(() => checkFleetRun({ TF_DATA_DIR: '/tmp/tf' })).toThrow(/TF_DATA_DIR: is set, so every target's terraform/);
    expect(() => checkFleetRun({})).not.toThrow();
  });
});
