// Checks a DeploymentConfig before anything is synthesized. Every check names
// the field and the fix; all problems are reported together. Files that hold
// Grafana's own secrets are read only to refuse known defaults: their content
// never appears in a message.
import { existsSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { isIP } from "node:net";
import { ConfigError, type ConfigProblem } from "./config-error";
import { GRAFANA_DEFAULT_ADMIN_PASSWORD, GRAFANA_DEFAULT_SECRET_KEY } from "./grafana-defaults";
import type { DeploymentConfig, PluginJsonDataConfig, SecretSourceConfig } from "./types";

const NAME = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;
const PLUGIN_ID = /^[a-z0-9]+(-[a-z0-9]+)*-app$/;
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
const TF_VAR_NAME = /^[a-z_][a-z0-9_]*$/;
const PG_SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;
const KV_SEGMENT = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;
const DIGEST_PINNED = /^[a-z0-9]+([._/-][a-z0-9]+)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?@sha256:[a-f0-9]{64}$/;
// Fields that would hold a secret value: the config names where secrets live, never the values.
const SECRET_LOOKING_KEYS = /^(apikey|api_key|token|password|secret|secretkey|secret_key|securejsondata)$/i;

export interface ValidateOptions {
  /** Directory relative paths are resolved against (the repository root). */
  baseDir: string;
}

export function validateConfig(cfg: DeploymentConfig, opts: ValidateOptions): DeploymentConfig {
  const problems: ConfigProblem[] = [];
  const add = (field: string, problem: string, fix: string) => problems.push({ field, problem, fix });
  const path = (p: string) => (isAbsolute(p) ? p : resolve(opts.baseDir, p));

  findSecretValues(cfg, "", add);

  if (!NAME.test(cfg.name ?? "")) {
    add("name", `"${cfg.name}" is not a valid deployment name`, "use 2-32 lower-case letters, digits and dashes, starting with a letter");
  }
  if (!PLUGIN_ID.test(cfg.pluginId ?? "")) {
    add("pluginId", `"${cfg.pluginId}" is not an app plugin id`, 'use the id from plugin/src/plugin.json, e.g. "platformkit-apibridge-app"');
  }

  // Backend
  const b = cfg.backend;
  if (b?.kind === "local") {
    if (!b.stateDir || isAbsolute(b.stateDir)) {
      add("backend.stateDir", `"${b.stateDir}" is not a relative directory`, "give a path relative to the repository root (e.g. \".state\") so synth output is the same on every machine");
    }
  } else if (b?.kind === "pg") {
    if (!ENV_NAME.test(b.connStrEnv ?? "")) {
      add("backend.connStrEnv", `"${b.connStrEnv}" is not an environment variable name`, "name the variable that holds the PostgreSQL connection string, e.g. \"KIT_PG_CONN_STR\" (the string may hold a password, so it is never written into config)");
    }
    if (!PG_SCHEMA.test(b.schemaName ?? "")) {
      add("backend.schemaName", `"${b.schemaName}" is not a PostgreSQL schema name`, "use lower-case letters, digits and underscores, e.g. \"apibridge_state\"");
    }
  } else {
    add("backend.kind", `"${(b as { kind?: string })?.kind}" is not a backend`, 'choose "local" or "pg"');
  }

  // Grafana that the settings stack configures
  checkUrl(cfg.grafana?.url, "grafana.url", true, add);
  if (!Number.isInteger(cfg.grafana?.orgId) || cfg.grafana.orgId < 1) {
    add("grafana.orgId", `${cfg.grafana?.orgId} is not an organization id`, "use a whole number >= 1 (1 is Grafana's default org)");
  }
  if (!ENV_NAME.test(cfg.grafana?.authEnv ?? "")) {
    add("grafana.authEnv", `"${cfg.grafana?.authEnv}" is not an environment variable name`, 'name the variable holding a service-account token or "user:password", e.g. "GRAFANA_AUTH"');
  }
  checkFile(cfg.grafana?.caCertFile, "grafana.caCertFile", path, add);

  // Plugin settings
  if (typeof cfg.plugin?.enabled !== "boolean" || typeof cfg.plugin?.pinned !== "boolean") {
    add("plugin.enabled", "enabled and pinned must be true or false", "set plugin.enabled and plugin.pinned to booleans");
  }
  checkJsonData(cfg.plugin?.jsonData, path, add);

  checkSecretSource(cfg.secretSource, path, add);

  if (cfg.docker?.enabled) checkDocker(cfg, path, add);

  if (problems.length > 0) throw new ConfigError(problems);
  return cfg;
}

type Add = (field: string, problem: string, fix: string) => void;

function findSecretValues(value: unknown, at: string, add: Add) {
  if (value === null || typeof value !== "object") return;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const field = at ? `${at}.${k}` : k;
    if (SECRET_LOOKING_KEYS.test(k)) {
      add(field, "looks like a secret value written into the configuration", "remove it: the configuration names where secrets live (secretSource, *File, *Env fields), never their values");
    }
    findSecretValues(v, field, add);
  }
}

function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127\.\d+\.\d+\.\d+$/.test(h);
}

function checkUrl(raw: string | undefined, field: string, allowPath: boolean, add: Add, allowLoopbackHttp = true): URL | undefined {
  let u: URL;
  try {
    u = new URL(raw ?? "");
  } catch {
    add(field, `"${raw}" is not a URL`, "give an absolute https:// URL");
    return undefined;
  }
  if (u.username || u.password) {
    add(field, "contains credentials", "remove user:password from the URL; credentials come from an environment variable or secrets store");
  }
  if (u.protocol === "http:" && !(allowLoopbackHttp && isLoopback(u.hostname))) {
    add(field, `"${raw}" uses plain http to a non-loopback host`, "use https:// (plain http is accepted only for 127.0.0.1, ::1 or localhost)");
  } else if (u.protocol !== "http:" && u.protocol !== "https:") {
    add(field, `"${raw}" uses the ${u.protocol} scheme`, "use https://");
  }
  if (u.search || u.hash) add(field, "has a query or fragment", "remove everything after ? or #");
  if (!allowPath && u.pathname !== "/") add(field, "has a path", "give only scheme, host and port");
  return u;
}

function checkFile(p: string | undefined, field: string, path: (p: string) => string, add: Add) {
  if (p === undefined) return;
  if (!p || !existsSync(path(p)) || !statSync(path(p)).isFile()) {
    add(field, `file "${p}" does not exist`, "give the path of an existing file (relative paths are from the repository root)");
  }
}

function checkJsonData(j: PluginJsonDataConfig | undefined, path: (p: string) => string, add: Add) {
  const f = (k: string) => `plugin.jsonData.${k}`;
  if (!j) {
    add("plugin.jsonData", "is missing", "set at least plugin.jsonData.apiUrl");
    return;
  }
  checkUrl(j.apiUrl, f("apiUrl"), true, add, j.allowInsecureLoopback === true);
  if (j.timeoutSeconds !== undefined && (!Number.isInteger(j.timeoutSeconds) || j.timeoutSeconds < 1 || j.timeoutSeconds > 300)) {
    add(f("timeoutSeconds"), `${j.timeoutSeconds} is out of range`, "use a whole number of seconds from 1 to 300");
  }
  if (j.maxResponseBytes !== undefined && (!Number.isInteger(j.maxResponseBytes) || j.maxResponseBytes < 1 || j.maxResponseBytes > 1073741824)) {
    add(f("maxResponseBytes"), `${j.maxResponseBytes} is out of range`, "use a whole number of bytes from 1 to 1073741824 (1 GiB)");
  }
  for (const [i, p] of (j.allowedPaths ?? []).entries()) {
    if (typeof p !== "string" || !p.startsWith("/") || p.split("/").includes("..") || /[?#]/.test(p)) {
      add(`${f("allowedPaths")}[${i}]`, `"${p}" is not a path prefix`, 'start it with "/" and leave out "..", "?" and "#", e.g. "/v1/items"');
    }
  }
  if (j.healthPath !== undefined && !j.healthPath.startsWith("/")) {
    add(f("healthPath"), `"${j.healthPath}" does not start with "/"`, 'give a path such as "/profile"');
  }
  if (j.authHeader !== undefined && !/^[A-Za-z0-9-]+$/.test(j.authHeader)) {
    add(f("authHeader"), `"${j.authHeader}" is not an HTTP header name`, 'use letters, digits and dashes, e.g. "Authorization" or "X-Api-Key"');
  }
  checkFile(j.caCertificateFile, f("caCertificateFile"), path, add);
}

function checkVersion(v: number | undefined, field: string, required: boolean, add: Add) {
  if (v === undefined && !required) return;
  if (!Number.isInteger(v) || (v as number) < 1) {
    add(field, `${v} is not a version`, "use a whole number >= 1 and raise it each time the key is rotated");
  }
}

function checkSecretSource(s: SecretSourceConfig | undefined, path: (p: string) => string, add: Add) {
  switch (s?.kind) {
    case "ephemeral-variable":
      if (!TF_VAR_NAME.test(s.variableName ?? "")) {
        add("secretSource.variableName", `"${s.variableName}" is not a Terraform variable name`, 'use lower-case letters, digits and underscores, e.g. "apibridge_api_key" (the pipeline then sets TF_VAR_apibridge_api_key)');
      }
      checkVersion(s.version, "secretSource.version", true, add);
      return;
    case "openbao-kv2":
      checkUrl(s.address, "secretSource.address", false, add);
      if (!KV_SEGMENT.test(s.mount ?? "")) add("secretSource.mount", `"${s.mount}" is not a KV mount`, 'give the mount without slashes at either end, e.g. "secret"');
      if (!KV_SEGMENT.test(s.path ?? "")) add("secretSource.path", `"${s.path}" is not a secret path`, 'give the path inside the mount without "data/" and without slashes at either end, e.g. "grafana/apibridge"');
      if (!s.field) add("secretSource.field", "is empty", 'name the field of the secret that holds the key, e.g. "apiKey"');
      if (s.auth?.method === "token") {
        if (!ENV_NAME.test(s.auth.tokenEnv ?? "")) add("secretSource.auth.tokenEnv", `"${s.auth.tokenEnv}" is not an environment variable name`, 'name the variable that holds the token, e.g. "BAO_TOKEN"');
      } else if (s.auth?.method === "approle") {
        if (!ENV_NAME.test(s.auth.roleIdEnv ?? "")) add("secretSource.auth.roleIdEnv", `"${s.auth.roleIdEnv}" is not an environment variable name`, 'e.g. "BAO_ROLE_ID"');
        if (!ENV_NAME.test(s.auth.secretIdEnv ?? "")) add("secretSource.auth.secretIdEnv", `"${s.auth.secretIdEnv}" is not an environment variable name`, 'e.g. "BAO_SECRET_ID"');
      } else {
        add("secretSource.auth.method", `"${(s.auth as { method?: string })?.method}" is not an auth method`, 'choose "token" or "approle"');
      }
      checkFile(s.caCertFile, "secretSource.caCertFile", path, add);
      checkVersion(s.version, "secretSource.version", false, add);
      return;
    case "sops-age":
      if (!/\.(ya?ml|json)$/.test(s.file ?? "") || !existsSync(path(s.file))) {
        add("secretSource.file", `"${s.file}" is not an existing .yaml, .yml or .json SOPS file`, "encrypt the key with `sops encrypt --age <recipient>` into such a file and give its path from the repository root");
      }
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(s.key ?? "")) add("secretSource.key", `"${s.key}" is not a top-level key`, 'name the key of the file that holds the API key, e.g. "apibridge_api_key"');
      checkVersion(s.version, "secretSource.version", false, add);
      return;
    default:
      add("secretSource.kind", `"${(s as unknown as { kind?: string } | undefined)?.kind}" is not a secret source`, 'choose "ephemeral-variable", "openbao-kv2" or "sops-age"');
  }
}

function checkDocker(cfg: DeploymentConfig, path: (p: string) => string, add: Add) {
  const d = cfg.docker;
  if (!DIGEST_PINNED.test(d.image ?? "")) {
    add("docker.image", `"${d.image}" is not pinned by digest`, 'give repository@sha256:<64 hex digits>, e.g. "grafana/grafana:13.2.3@sha256:…" (find it with `docker buildx imagetools inspect`)');
  }
  for (const k of ["containerName", "networkName", "dataVolumeName"] as const) {
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(d[k] ?? "")) add(`docker.${k}`, `"${d[k]}" is not a Docker object name`, "use letters, digits, '_', '.' and '-'");
  }
  if (isIP(d.bindAddress ?? "") === 0) {
    add("docker.bindAddress", `"${d.bindAddress}" is not an IP address`, 'use "127.0.0.1" (the default) or the one host address Grafana must listen on');
  }
  if (!Number.isInteger(d.hostPort) || d.hostPort < 1 || d.hostPort > 65535) {
    add("docker.hostPort", `${d.hostPort} is not a TCP port`, "use a whole number from 1 to 65535");
  }
  const uid = (d.user ?? "").split(":")[0];
  if (!/^\d+(:\d+)?$/.test(d.user ?? "") || uid === "0") {
    add("docker.user", `"${d.user}" is not a non-root uid[:gid]`, 'use Grafana\'s own user, "472:0", or another numeric uid other than 0');
  }
  const dist = path(d.pluginDistDir ?? "");
  if (!d.pluginDistDir || !existsSync(resolve(dist, "plugin.json"))) {
    add("docker.pluginDistDir", `"${d.pluginDistDir}" has no plugin.json`, "build the plugin first (`cd plugin && go tool mage -v build:linux` and the frontend build) or point at its dist directory");
  }
  checkSecretFile(d.secretKeyFile, "docker.secretKeyFile", GRAFANA_DEFAULT_SECRET_KEY, "Grafana's default secret_key", "write a random key: `head -c 32 /dev/urandom | base64 > <file> && chmod 640 <file>` (group 0 lets the container user 472:0 read it)", path, add);
  checkSecretFile(d.adminPasswordFile, "docker.adminPasswordFile", GRAFANA_DEFAULT_ADMIN_PASSWORD, "Grafana's default admin password", "write a random password: `head -c 24 /dev/urandom | base64 > <file> && chmod 640 <file>`", path, add);
  if (!/^[a-zA-Z0-9._@-]+$/.test(d.adminUser ?? "")) add("docker.adminUser", `"${d.adminUser}" is not a login name`, 'use e.g. "admin"');
}

function checkSecretFile(p: string | undefined, field: string, forbidden: string, what: string, fix: string, path: (p: string) => string, add: Add) {
  if (!p || !existsSync(path(p)) || !statSync(path(p)).isFile()) {
    add(field, `file "${p}" does not exist`, `${fix}; give its path on the Docker host`);
    return;
  }
  const content = readFileSync(path(p), "utf8").trim();
  if (content.length === 0) add(field, `file "${p}" is empty`, fix);
  else if (content === forbidden) add(field, `file "${p}" holds ${what}`, `${fix}; the kit refuses to deploy with it`);
  if ((statSync(path(p)).mode & 0o004) !== 0) {
    add(field, `file "${p}" is readable by every user`, `chmod o-r ${p}`);
  }
}
