// A configuration problem names the field, says what is wrong and how to fix
// it. Synth stops on the first ConfigError, listing every problem at once.

export interface ConfigProblem {
  /** Dotted path of the field, e.g. "docker.image", or the env var that set it. */
  field: string;
  problem: string;
  fix: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(
      `invalid deployment configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p.field}: ${p.problem}. Fix: ${p.fix}`).join('\n')
    );
    this.name = 'ConfigError';
  }
}
