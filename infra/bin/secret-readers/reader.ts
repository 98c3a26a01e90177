// What every deploy-time secret reader gives the runner. A reader serves one
// secret source construct (infra/constructs/secret-sources/), paired with it
// through the construct's `binding`: it reads the store into memory and
// returns the TF_VAR_* values for the Terraform child process only. This
// runs in the deploy process, never in synth, and loads no cdktn.
import type { SecretBinding } from '../../constructs/secret-sources/binding';

/** What a reader read: the TF_VAR_* values for Terraform, and a record of which secret it was. */
export interface ResolvedSecret {
  /** TF_VAR_* variables for the Terraform child process only (the secret among them). */
  env: Record<string, string>;
  /** The secret's version as deployed (the rotation version), for a record line. */
  version: string;
  /** Where the secret came from, without any secret, e.g. "OpenBao https://bao:8200 secret/grafana/inventory". */
  from: string;
}

/** The deploy process's side of a read. */
export interface ReadContext {
  /** The deploy process's environment (store credentials, SOPS_AGE_KEY_FILE, ...). */
  env: Record<string, string | undefined>;
  /** Directory relative file paths (SOPS files, CA files) are resolved against. */
  baseDir: string;
  /** Says what a long step is doing (store login, store read, sops decrypt); never given a secret. */
  progress?: (line: string) => void;
}

/** The deploy-time half of one secret source. */
export interface SecretReader<B extends SecretBinding = SecretBinding> {
  readonly binding: B;
  /** Reads the secret (and, for a store, its version) into memory. */
  read(ctx: ReadContext): Promise<ResolvedSecret>;
  /**
   * The same inputs with PLACEHOLDER_KEY instead of the secret, without touching the store: for a
   * pull request's plan (write-only values are not in plans, so the plan is the same) and for
   * destroy (which sends no secret). A plan needs the version the apply will deploy; destroy does not.
   */
  placeholder(ctx: ReadContext, purpose: 'plan' | 'destroy'): ResolvedSecret;
}

/**
 * How messages name the settings a reader is given: a library user reads "set address, BAO_ADDR or
 * VAULT_ADDR"; the kit, whose config holds them under secretSource, "set secretSource.address (or
 * KIT_OPENBAO_ADDR), ...".
 */
export interface FieldNaming {
  /** The name of a setting, e.g. "address" -> "secretSource.address". */
  field(name: string): string;
  /** An environment variable that also sets it, e.g. { address: "KIT_OPENBAO_ADDR" }. */
  alsoFrom?: Readonly<Record<string, string>>;
}

const plainNaming: FieldNaming = { field: (n) => n };

/** "secretSource.address (or KIT_OPENBAO_ADDR)" / "address". */
export function named(naming: FieldNaming | undefined, name: string): string {
  const n = naming ?? plainNaming;
  const also = n.alsoFrom?.[name];
  return also ? `${n.field(name)} (or ${also})` : n.field(name);
}

/** What a placeholder plan or a destroy gives Terraform instead of the secret; never a valid secret. */
export const PLACEHOLDER_KEY = 'placeholder-not-the-api-key';

/** The version input for a placeholder: the pinned one, or for destroy (which sends no secret) any. */
export function placeholderVersion(
  pinned: number | undefined,
  purpose: 'plan' | 'destroy',
  kind: string,
  naming: FieldNaming | undefined
): string {
  if (pinned !== undefined) return String(pinned);
  if (purpose === 'destroy') return '1';
  throw new SecretSourceError(
    `a plan with a placeholder key needs the key's version pinned (the ${kind} source takes it from the store, which a pull request's plan must not read). Fix: set ${named(naming, 'version')} to the version the apply will deploy, and raise it in the change that rotates the key`
  );
}

/** Error while reading a secret store: says what to fix, never includes a secret. */
export class SecretSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretSourceError';
  }
}
