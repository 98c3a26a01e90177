// Checks of a construct's props, shared by the library's constructs (and by
// the kit's config validation, which reports the same rules under its own
// field names). A construct collects every problem and throws them together,
// each as "field: problem. Fix: ...", naming the construct's path.
import type { IConstruct } from 'constructs';

/** A Terraform input variable name, as TF_VAR_<name> can carry it. */
export const TF_VARIABLE_NAME = /^[a-z_][a-z0-9_]*$/;
/** An environment variable name. */
export const ENV_VARIABLE_NAME = /^[A-Z_][A-Z0-9_]*$/;
/** A KV mount or path: segments of letters, digits, ".", "_" and "-" separated by "/", no slash at either end. */
export const KV_PATH = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;
/** Grafana's app plugin id rule: lower-case words joined by "-", ending in "-app". */
export const APP_PLUGIN_ID = /^[a-z0-9]+(-[a-z0-9]+)*-app$/;

export interface PropProblem {
  field: string;
  problem: string;
  fix: string;
}

/** Bad props of one construct; the message lists every problem, never a secret (props hold none). */
export class PropsError extends Error {
  constructor(
    readonly construct: string,
    readonly problems: PropProblem[]
  ) {
    super(`${construct}: bad props:\n${problems.map((p) => `  ${p.field}: ${p.problem}. Fix: ${p.fix}`).join('\n')}`);
    this.name = 'PropsError';
  }
}

/** Collects problems for `scope` and throws them all at `done()`. */
export function propChecks(scope: IConstruct, kind: string) {
  const problems: PropProblem[] = [];
  return {
    add: (field: string, problem: string, fix: string) => problems.push({ field, problem, fix }),
    done: () => {
      if (problems.length > 0) throw new PropsError(`${kind} ${scope.node.path}`, problems);
    },
  };
}
