// The CI provider's ID token (a short-lived JWT naming the repository, branch
// and workflow) for the openbao-kv2 source's JWT login, so a pipeline holds
// no long-lived store secret:
//   - from the variable named by the reader's auth.tokenEnv (GitLab CI's
//     `id_tokens:`, or any CI that hands the job a JWT), or
//   - on GitHub Actions, requested by the kit itself from the job's token
//     endpoint (ACTIONS_ID_TOKEN_REQUEST_URL with ACTIONS_ID_TOKEN_REQUEST_TOKEN;
//     the job needs `permissions: id-token: write`), for the configured audience.
// The token stays in the kit's memory: it is sent to OpenBao's login and nowhere else.
import { requestJson } from './http-json';
import type { OpenBaoJwtAuth } from './openbao-kv2';
import { named, SecretSourceError, type FieldNaming } from './reader';

type Env = Record<string, string | undefined>;

export async function ciIdToken(
  auth: OpenBaoJwtAuth,
  env: Env,
  progress: (line: string) => void,
  naming?: FieldNaming
): Promise<{ jwt: string; from: string }> {
  const tokenEnvField = named(naming, 'auth.tokenEnv');
  if (auth.tokenEnv) {
    const jwt = env[auth.tokenEnv];
    if (!jwt)
      throw new SecretSourceError(
        `${auth.tokenEnv} is not set: the CI job must put its ID token there (GitLab CI: \`id_tokens: ${auth.tokenEnv}: aud: ...\`), or unset ${tokenEnvField} on GitHub Actions`
      );
    return { jwt, from: auth.tokenEnv };
  }
  const requestUrl = env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const bearer = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (!requestUrl || !bearer) {
    throw new SecretSourceError(
      `no CI ID token for the JWT login: on GitHub Actions give the job \`permissions: id-token: write\`; elsewhere set ${tokenEnvField} to the variable that holds the job's ID token`
    );
  }
  let u: URL;
  try {
    u = new URL(requestUrl);
  } catch {
    throw new SecretSourceError('ACTIONS_ID_TOKEN_REQUEST_URL is not a URL: is this a GitHub Actions job?');
  }
  if (
    u.protocol !== 'https:' &&
    !(u.protocol === 'http:' && /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(u.hostname))
  ) {
    throw new SecretSourceError(
      "ACTIONS_ID_TOKEN_REQUEST_URL is not https: refusing to send the job's request token over plain http"
    );
  }
  if (auth.audience) u.searchParams.set('audience', auth.audience);
  progress(
    `store login: requesting the job's ID token from GitHub Actions${auth.audience ? ` (audience ${auth.audience})` : ''}`
  );
  let res;
  try {
    res = await requestJson(u.toString(), {
      headers: { authorization: `bearer ${bearer}` },
      timeoutMs: 15_000,
      maxBytes: 64 * 1024,
    });
  } catch (e) {
    throw new SecretSourceError(`cannot get the job's ID token from GitHub Actions: ${(e as Error).message}`);
  }
  const jwt = (res.body as { value?: unknown })?.value;
  if (res.status !== 200 || typeof jwt !== 'string' || jwt === '') {
    throw new SecretSourceError(
      `GitHub Actions did not issue an ID token (${res.status}): give the job \`permissions: id-token: write\``
    );
  }
  return { jwt, from: 'GitHub Actions (ACTIONS_ID_TOKEN_REQUEST_URL)' };
}
