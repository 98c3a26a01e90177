// Chooses where a stack keeps its state: a local file (default) or the `pg`
// backend with PostgreSQL advisory locks for pipelines. Neither writes a
// machine-specific or secret value into cdk.tf.json: the local path is
// relative to the stack's working directory, and the pg connection string
// comes from PG_CONN_STR at run time (set by infra/bin/kit.ts).
import { LocalBackend, PgBackend, type TerraformStack } from 'cdktn';
import type { BackendConfig } from '../config/types';
import { pathFromStack, type StackPlacement } from './stack-paths';

export function configureBackend(
  stack: TerraformStack,
  stackName: string,
  cfg: BackendConfig,
  where: StackPlacement
): void {
  if (cfg.kind === 'pg') {
    // conn_str is required by the binding's type; drop it from the output so
    // Terraform reads PG_CONN_STR (it usually carries a password).
    const pg = new PgBackend(stack, { connStr: '', schemaName: cfg.schemaName });
    pg.addOverride('conn_str', undefined);
    return;
  }
  new LocalBackend(stack, { path: pathFromStack(where, stackName, `${cfg.stateDir}/${stackName}.tfstate`) });
}
