// One SARIF 2.1.0 log for the whole audit: a run for the OPA policies (its
// rules from the policies' METADATA) and one per gitleaks scan, each with its
// own automationDetails.id so code-scanning tools keep them apart. Paths are
// relative to the repository root (uriBaseId SRCROOT; for gitleaks, the
// repository it scanned).
import { createHash } from 'node:crypto';
import { isAbsolute, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Log, ReportingDescriptor, Result, Run } from 'sarif';
import type { GitleaksScan } from './gitleaks';
import type { Region } from './locate';
import type { PolicyRule, Violation } from './opa';
import { REPO_ROOT } from './tools';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const SRCROOT = 'SRCROOT';

const originalUriBaseIds = (root: string) => ({ [SRCROOT]: { uri: pathToFileURL(root + '/').href } });

/** A repository file relative to SRCROOT; a file outside it (a --synth-dir elsewhere) by its file: URI. */
function artifact(file: string) {
  return isAbsolute(file) ? { uri: pathToFileURL(file).href } : { uri: file.split(sep).join('/'), uriBaseId: SRCROOT };
}

export function policyRun(
  opaVersion: string,
  rules: PolicyRule[],
  violations: Violation[],
  locate: (v: Violation) => Region | undefined
): Run {
  const descriptors: ReportingDescriptor[] = rules.map((r) => ({
    id: r.id,
    name: pascalCase(r.title),
    shortDescription: { text: sentence(r.title) },
    fullDescription: { text: r.description },
    help: { text: r.help, markdown: `${r.help}\n\nPolicy: \`${r.file}\` (line ${r.line}); see audit/README.md.` },
    defaultConfiguration: { level: level(r.severity) },
    properties: { tags: ['security', r.group], precision: 'very-high' },
  }));
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results: Result[] = violations.map((v) => {
    const i = index.get(v.rule);
    if (i === undefined) throw new Error(`violation of ${v.rule}, which has no METADATA rule`);
    const region = locate(v);
    return {
      ruleId: v.rule,
      ruleIndex: i,
      level: level(rules[i].severity),
      message: { text: sentence(v.message) },
      locations: [
        {
          physicalLocation: { artifactLocation: artifact(v.location.file), ...(region ? { region } : {}) },
          logicalLocations: [{ fullyQualifiedName: v.location.pointer.join('/') || '/', kind: 'member' }],
        },
      ],
      partialFingerprints: { 'kitAuditFinding/v1': fingerprint(v.rule, v.message) },
    };
  });
  return {
    tool: {
      driver: {
        name: 'OPA',
        fullName: "Open Policy Agent with the kit's policies (audit/policies)",
        version: opaVersion,
        semanticVersion: opaVersion.replace(/^v/, ''),
        informationUri: 'https://www.openpolicyagent.org/',
        rules: descriptors,
      },
    },
    automationDetails: { id: 'kit-audit/policies/' },
    originalUriBaseIds: originalUriBaseIds(REPO_ROOT),
    invocations: [{ executionSuccessful: true }],
    columnKind: 'utf16CodeUnits',
    results,
  };
}

/** A gitleaks run made to sit beside the others: its real version, its scan's id, repo-relative paths. */
export function gitleaksRun(scan: GitleaksScan, version: string, repo: string): Run {
  const id = scan.target.replace(/\s+/g, '-');
  const run = structuredClone(scan.run);
  const driver = run.tool.driver;
  driver.version = version.replace(/^v/, '');
  driver.semanticVersion = version.replace(/^v/, '');
  driver.fullName = `gitleaks (${scan.target}, audit/gitleaks/gitleaks.toml)`;
  for (const rule of driver.rules ?? []) {
    const what = sentence(rule.shortDescription?.text ?? `gitleaks rule ${rule.id}`);
    rule.shortDescription = { text: what };
    rule.fullDescription = { text: what };
    rule.help = { text: GITLEAKS_HELP };
    rule.defaultConfiguration = { level: 'error' };
  }
  const ruleIndex = new Map((driver.rules ?? []).map((r, i) => [r.id, i]));
  for (const result of run.results ?? []) {
    const commit = result.partialFingerprints?.commitSha;
    result.message = {
      text: sentence(`${result.ruleId} found a secret${commit ? ` in commit ${commit.slice(0, 12)}` : ''} (redacted)`),
    };
    if (result.ruleId && ruleIndex.has(result.ruleId)) result.ruleIndex = ruleIndex.get(result.ruleId);
    result.level = 'error';
    // gitleaks fills every fingerprint field, empty ones included; keep those with a value.
    const fingerprints = Object.fromEntries(
      Object.entries(result.partialFingerprints ?? {}).filter(([, v]) => v !== '')
    );
    result.partialFingerprints = {
      ...fingerprints,
      'kitAuditFinding/v1': fingerprint(result.ruleId ?? '', JSON.stringify(result.locations ?? [])),
    };
    for (const loc of result.locations ?? []) {
      const artifact = loc.physicalLocation?.artifactLocation;
      if (artifact?.uri) {
        artifact.uri = artifact.uri.replace(/^\.\//, '');
        artifact.uriBaseId = SRCROOT;
      }
    }
  }
  run.automationDetails = { id: `kit-audit/gitleaks-${id}/` };
  run.originalUriBaseIds = originalUriBaseIds(repo);
  run.invocations = [{ executionSuccessful: true }];
  run.columnKind = 'utf16CodeUnits';
  return run;
}

const GITLEAKS_HELP =
  'Treat the secret as leaked: revoke or rotate it where it was issued, then remove it from the file (and from the history, with git filter-repo, if it was committed). If it is a value made up for a test, add a narrow allowlist entry (one path AND the exact value) to audit/gitleaks/gitleaks.toml and say why.';

export function sarifLog(runs: Run[]): Log {
  return { $schema: SARIF_SCHEMA, version: '2.1.0', runs };
}

function level(severity: string): 'error' | 'warning' | 'note' {
  return severity === 'warning' || severity === 'note' ? severity : 'error';
}

/** SARIF messages are sentences: they end with a full stop. */
function sentence(text: string): string {
  const t = text.trim();
  return /[.!?]$/.test(t) ? t : t + '.';
}

function pascalCase(title: string): string {
  return title
    .replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())
    .replace(/^./, (c) => c.toUpperCase());
}

function fingerprint(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 32);
}
