/**
 * `@platformkit/grafana-app-constructs/readers`: the deploy-time halves of the secret sources. They run in
 * the process that starts Terraform (never in synth), read each secret into memory and return the
 * `TF_VAR_*` values for the Terraform child process only. Pair each with its construct's `binding`:
 *
 * ```ts
 * const { env } = await readSecrets(
 *   [openBaoKv2Reader(stack.token.binding, { auth: { method: 'token', tokenEnv: 'BAO_TOKEN' } }),
 *    sopsAgeReader(stack.password.binding)],
 *   { env: process.env, baseDir: process.cwd() }
 * );
 * spawn('npx', ['cdktn', 'deploy', 'inventory'], { env: { PATH: process.env.PATH, ...env } });
 * ```
 *
 * @packageDocumentation
 */
export * from '../bin/secret-readers/index';
