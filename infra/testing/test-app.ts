// Test helper: a cdktn Testing app with the same targetVersions the CLI
// passes from cdktf.json (without them synth refuses write-only attributes).
import { Testing, type App } from "cdktn";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

const cdktfJson = JSON.parse(readFileSync(resolve(__dirname, "../../cdktf.json"), "utf8")) as { targetVersions: Record<string, string> };

export function testApp(): App {
  return Testing.app({ context: { targetVersions: cdktfJson.targetVersions } });
}
