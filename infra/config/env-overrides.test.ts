import { describe, expect, it } from "vitest";
import { fixtureConfig } from "../testing/fixture-config";
import { applyEnvOverrides } from "./env-overrides";
import { validateConfig } from "./validate";

describe("applyEnvOverrides", () => {
  it("lets a pipeline switch to the pg backend and point at another Grafana", () => {
    const { cfg } = fixtureConfig();
    const out = applyEnvOverrides(cfg, { KIT_BACKEND: "pg", KIT_PG_SCHEMA: "ci_state", KIT_GRAFANA_URL: "https://grafana.example.test", KIT_GRAFANA_ORG_ID: "3", KIT_DOCKER_ENABLED: "false" });
    expect(out.backend).toEqual({ kind: "pg", connStrEnv: "KIT_PG_CONN_STR", schemaName: "ci_state" });
    expect(out.grafana.url).toBe("https://grafana.example.test");
    expect(out.grafana.orgId).toBe(3);
    expect(out.docker.enabled).toBe(false);
    expect(cfg.backend.kind).toBe("local"); // the base config is not changed
  });

  it("names the variable when a value is malformed", () => {
    const { cfg } = fixtureConfig();
    expect(() => applyEnvOverrides(cfg, { KIT_GRAFANA_ORG_ID: "one" })).toThrow(/KIT_GRAFANA_ORG_ID: "one" is not a whole number\. Fix: set KIT_GRAFANA_ORG_ID to digits only/);
    expect(() => applyEnvOverrides(cfg, { KIT_DOCKER_ENABLED: "yes" })).toThrow(/KIT_DOCKER_ENABLED: "yes" is not true or false/);
    expect(() => applyEnvOverrides(cfg, { KIT_BACKEND: "s3" })).toThrow(/KIT_BACKEND: "s3" is not a backend\. Fix: set KIT_BACKEND to "local" or "pg"/);
  });

  it("feeds overridden values through the same validation", () => {
    const { dir, cfg } = fixtureConfig();
    const out = applyEnvOverrides(cfg, { KIT_GRAFANA_IMAGE: "grafana/grafana:latest" });
    expect(() => validateConfig(out, { baseDir: dir })).toThrow(/docker\.image: "grafana\/grafana:latest" is not pinned by digest/);
  });
});
