// Runs the readers of every secure field of a deployment and merges their
// TF_VAR_* values for the one Terraform child: each reader fills only its
// own construct's variables, so two readers can never overwrite each other
// (a clash means two constructs share a variable name, which the constructs
// refuse at synth; it is checked again here).
import { SecretSourceError, type ReadContext, type ResolvedSecret, type SecretReader } from './reader';

export interface ReadSecrets {
  /** TF_VAR_* for the Terraform child process only: add them to its environment, nowhere else. */
  env: Record<string, string>;
  /** One record per reader, in order: version and origin, never the value. */
  secrets: { variable: string; version: string; from: string }[];
}

/** Reads every secret (one after the other, so store logins are not interleaved); `placeholder` reads none. */
export async function readSecrets(
  readers: readonly SecretReader[],
  ctx: ReadContext,
  placeholder?: 'plan' | 'destroy'
): Promise<ReadSecrets> {
  const out: ReadSecrets = { env: {}, secrets: [] };
  for (const r of readers) {
    const got: ResolvedSecret = placeholder ? r.placeholder(ctx, placeholder) : await r.read(ctx);
    for (const [k, v] of Object.entries(got.env)) {
      if (k in out.env)
        throw new SecretSourceError(
          `${k} would be set by two secret readers: give each secret source its own variable name (the construct id or variableName)`
        );
      out.env[k] = v;
    }
    out.secrets.push({ variable: r.binding.keyVariable, version: got.version, from: got.from });
  }
  return out;
}
