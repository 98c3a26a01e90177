import { describe, expect, it } from 'vitest';
import { parseKitArgs } from './kit-args';

describe('parseKitArgs', () => {
  it("reads stacks, the kit's options and what follows -- for cdktn or terraform", () => {
    expect(
      parseKitArgs(['plan', 's', '--placeholder-key', '--out', 'p.tfplan', '--detailed-exitcode', '--', '-lock=false'])
    ).toEqual({
      command: 'plan',
      stacks: ['s'],
      output: 'cdktf.out',
      placeholderKey: true,
      out: 'p.tfplan',
      detailedExitcode: true,
      extra: ['-lock=false'],
      targets: [],
    });
    expect(parseKitArgs(['apply', 's', 'p.tfplan', '--output', 'o'])).toMatchObject({
      command: 'apply',
      stacks: ['s'],
      planFile: 'p.tfplan',
      output: 'o',
    });
    expect(parseKitArgs(['deploy', 'a', 'b'])).toMatchObject({ stacks: ['a', 'b'], placeholderKey: false });
    // cdktn's own --output after -- (how earlier versions took it) is the kit's output, passed to cdktn once.
    expect(parseKitArgs(['synth', '--', '--output', 'o', '--hcl'])).toMatchObject({ output: 'o', extra: ['--hcl'] });
    expect(parseKitArgs(['deploy', '--', '--output=o'])).toMatchObject({ output: 'o', extra: [] });
  });

  it("reads a fleet's targets and bound", () => {
    expect(parseKitArgs(['deploy', '--targets', 'a, c', '--parallel', '2'])).toMatchObject({
      command: 'deploy',
      targets: ['a', 'c'],
      parallel: 2,
    });
    expect(parseKitArgs(['diff']).parallel).toBeUndefined();
  });

  const refusals: [string[], RegExp][] = [
    [[], /no command given/],
    [['launch'], /"launch" is not a command/],
    [
      ['deploy', '--placeholder-key'],
      /--placeholder-key is for diff and plan only: deploy must never run with a placeholder/,
    ],
    [['apply', 's', 'f', '--placeholder-key'], /apply must never run with a placeholder/],
    [['destroy', '--placeholder-key'], /destroy must never run with a placeholder/],
    [['plan', 's'], /plan needs --out FILE/],
    [['plan', 'a', 'b', '--out', 'f'], /plan takes exactly one stack/],
    [['apply', 's'], /apply takes a stack and the saved plan file/],
    [['diff', '--detailed-exitcode'], /--detailed-exitcode is for plan only/],
    [['deploy', '--out', 'f'], /--out is for plan only/],
    [['synth', 's'], /synth takes no stack names/],
    [['deploy', '--auto-approve'], /Unknown option '--auto-approve'/],
    [['plan', 's', '--out', 'f', '--targets', 'a'], /--targets is for a fleet's diff, deploy and destroy only/],
    [['synth', '--parallel', '2'], /--parallel is for a fleet's diff, deploy and destroy only/],
    [['deploy', '--targets', 'a,,b'], /--targets "a,,b": give target names separated by commas/],
    [['deploy', '--targets', 'a,a'], /--targets "a,a" names a target twice/],
    [['deploy', '--parallel', '0'], /--parallel "0": give a whole number from 1 to 32/],
    [['diff', '--parallel', '2x'], /--parallel "2x": give a whole number from 1 to 32/],
    [['synth', '--output', 'a', '--', '--output', 'b'], /--output is given twice \("a" and, after --, "b"\)/],
    [['synth', '--', '-o'], /-o after -- needs a directory/],
  ];
  it.each(refusals)('refuses %j with a usage message', (argv, message) => {
    expect(() => parseKitArgs(argv)).toThrow(message);
    expect(() => parseKitArgs(argv)).toThrow(/usage: kit <synth\|diff\|deploy\|destroy\|plan\|apply>/);
  });
});
