// Test helper: a valid deployment in a fresh temporary directory (plugin
// dist, Grafana secret files with safe modes), to be bent into bad shapes.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { onTestFinished } from "vitest";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DeploymentConfig } from "../config/types";

export interface Fixture {
  dir: string;
  cfg: DeploymentConfig;
}

/** Call inside a test: the directory is removed when the test ends. */
export function fixtureConfig(): Fixture {
  const dir = mkdtempSync(join(tmpdir(), "kit-config-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, "plugin-dist"));
  writeFileSync(join(dir, "plugin-dist", "plugin.json"), JSON.stringify({ id: "platformkit-apibridge-app", type: "app" }));
  writeSecret(join(dir, "secret_key"), "k3y-" + Math.random().toString(36).slice(2) + "-long-enough");
  writeSecret(join(dir, "admin_password"), "pw-" + Math.random().toString(36).slice(2));
  const cfg: DeploymentConfig = {
    name: "apibridge",
    pluginId: "platformkit-apibridge-app",
    backend: { kind: "local", stateDir: ".state" },
    grafana: { url: "http://127.0.0.1:3000", orgId: 1, authEnv: "GRAFANA_AUTH" },
    plugin: {
      enabled: true,
      pinned: true,
      jsonData: { apiUrl: "https://api.example.test/v1", allowedPaths: ["/items"], healthPath: "/profile", timeoutSeconds: 30 },
    },
    secretSource: { kind: "ephemeral-variable", variableName: "apibridge_api_key", version: 1 },
    docker: {
      enabled: true,
      image: "grafana/grafana:13.2.3@sha256:b28bae15e219c998fb0e0424ed724930cc61b1f61fb404d47c862f9a23f9e572",
      containerName: "apibridge-grafana",
      networkName: "apibridge",
      dataVolumeName: "apibridge-grafana-data",
      bindAddress: "127.0.0.1",
      hostPort: 3000,
      user: "472:0",
      pluginDistDir: "plugin-dist",
      secretKeyFile: "secret_key",
      adminPasswordFile: "admin_password",
      adminUser: "admin",
    },
  };
  return { dir, cfg };
}

export function writeSecret(path: string, content: string): void {
  writeFileSync(path, content + "\n", { mode: 0o640 });
  chmodSync(path, 0o640);
}
