// npm run audit (cli.ts is its command line): the kit's security checks
// with real policy engines.
//
//   synth   Rego policies (OPA) over the synthesized configuration: a fresh
//           `npm run synth`, or --synth-dir; provider schemas from terraform.
//   routes  Rego policies over the plugin's route table, printed by the
//           plugin's own code (plugin/tests/route-table).
//   secrets gitleaks over the working tree and the history from HEAD.
//
// Writes <out>/report.md and <out>/audit.sarif (one SARIF 2.1.0 log, a run
// per tool), keeps what it read (<out>/cdktf.out, <out>/route-table.json)
// for a reviewer to look at, and returns the number of findings.
//
// Usage: npm run audit -- [--checks synth,routes,secrets] [--synth-dir DIR]
//        [--route-table FILE] [--repo DIR] [--out DIR]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Run } from 'sarif';
import { scanHistory, scanWorkingTree, type GitleaksScan } from './gitleaks';
import { locate } from './locate';
import { evaluatePolicies, opaVersion, policyRules, type PolicyGroup } from './opa';
import { providerSchemas } from './provider-schemas';
import { markdownReport, type CheckSummary } from './report';
import { readRouteTable, routeTableFromFile, type RouteTable } from './route-table';
import { gitleaksRun, policyRun, sarifLog } from './sarif';
import { displayPath, readSynthDir, synthesize, type SynthResult } from './synth';
import { AuditError, GITLEAKS, goModuleVersion, OPA, REPO_ROOT, requireTools } from './tools';

const CHECKS = ['synth', 'routes', 'secrets'] as const;
type Check = (typeof CHECKS)[number];

export interface Options {
  checks: Check[];
  synthDir?: string;
  routeTable?: string;
  repo: string;
  out: string;
}

const USAGE =
  'usage: npm run audit -- [--checks synth,routes,secrets] [--synth-dir DIR] [--route-table FILE] [--repo DIR] [--out DIR]';

export function parseArgs(argv: string[]): Options {
  const opts: Options = { checks: [...CHECKS], repo: REPO_ROOT, out: join(REPO_ROOT, '.artifacts', 'audit') };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (!['--checks', '--synth-dir', '--route-table', '--repo', '--out'].includes(flag))
      throw new AuditError(`${flag}: not an option. ${USAGE}`);
    if (value === undefined || value.startsWith('--')) throw new AuditError(`${flag}: needs a value. ${USAGE}`);
    i++;
    if (flag === '--checks') {
      const wanted = value.split(',').map((c) => c.trim());
      const unknown = wanted.filter((c) => !(CHECKS as readonly string[]).includes(c));
      if (unknown.length > 0 || wanted.length === 0)
        throw new AuditError(`--checks: "${unknown.join(',')}" is not a check; choose from ${CHECKS.join(', ')}`);
      opts.checks = wanted as Check[];
    } else if (flag === '--synth-dir') opts.synthDir = resolve(value);
    else if (flag === '--route-table') opts.routeTable = resolve(value);
    else if (flag === '--repo') opts.repo = resolve(value);
    else opts.out = resolve(value);
  }
  return opts;
}

export async function audit(opts: Options): Promise<{ findings: number; report: string }> {
  const want = (c: Check) => opts.checks.includes(c);
  requireTools([...(want('synth') || want('routes') ? [OPA] : []), ...(want('secrets') ? [GITLEAKS] : [])]);
  mkdirSync(opts.out, { recursive: true });
  const work = join(opts.out, 'work');
  mkdirSync(work, { recursive: true });
  const env = process.env;
  const notes: string[] = [];
  const checks: CheckSummary[] = [];
  const runs: Run[] = [];

  // Policies: one OPA evaluation over everything the policy checks read.
  const groups: PolicyGroup[] = [
    ...(want('synth') ? (['synth'] as const) : []),
    ...(want('routes') ? (['plugin'] as const) : []),
  ];
  let synth: SynthResult | undefined;
  let routes: RouteTable | undefined;
  if (groups.length > 0) {
    const input: Record<string, unknown> = {};
    if (want('synth')) {
      synth = opts.synthDir ? readSynthDir(opts.synthDir) : await synthesize(join(opts.out, 'cdktf.out'), env);
      input.stacks = synth.stacks;
      input.manifestFile = displayPath(join(synth.dir, 'manifest.json'));
      input.providerSchemas = await providerSchemas(synth.stacks, join(work, 'provider-schemas'), env);
      notes.push(
        `Synthesized configuration: ${displayPath(synth.dir)} (${opts.synthDir ? 'given with --synth-dir' : 'npm run synth of ' + (env.KIT_CONFIG ?? 'infra/config/deployment.config.ts')}), stacks ${synth.stacks.map((s) => s.name).join(', ') || 'none'}.`
      );
      if (synth.placeholders.length > 0) {
        notes.push(
          `Synthesized with throw-away placeholder files for ${synth.placeholders.join(', ')} (synth checks they exist; the policies check how they reach Grafana, not their content).`
        );
      }
    }
    if (want('routes')) {
      routes = opts.routeTable ? routeTableFromFile(opts.routeTable) : await readRouteTable(env);
      input.routeTable = routes;
      writeFileSync(join(opts.out, 'route-table.json'), JSON.stringify(routes, null, 2) + '\n');
      notes.push(
        `Route table: ${opts.routeTable ? displayPath(opts.routeTable) : 'printed by plugin/tests/route-table from plugin.RouteTable()'}, ${routes.routes?.length ?? 0} routes.`
      );
    }
    const [version, rules, violations] = await Promise.all([
      opaVersion(),
      policyRules(groups),
      evaluatePolicies(input, groups, work),
    ]);
    const run = policyRun(version, rules, violations, (v) => locate(v, routes));
    runs.push(run);
    const count = (group: PolicyGroup) =>
      violations.filter((v) => rules.find((r) => r.id === v.rule)?.group === group).length;
    if (synth) {
      const resources = synth.stacks.reduce(
        (n, s) =>
          n +
          Object.values((s.config.resource ?? {}) as Record<string, object>).reduce(
            (m, r) => m + Object.keys(r).length,
            0
          ),
        0
      );
      checks.push({
        check: 'synthesized configuration',
        tool: `OPA ${version}`,
        scanned: `${synth.stacks.length} stacks, ${resources} resources`,
        findings: count('synth'),
      });
    }
    if (routes) {
      const methods = (routes.routes ?? []).reduce((n, r) => n + (r.methods?.length ?? 0), 0);
      checks.push({
        check: 'plugin route table',
        tool: `OPA ${version}`,
        scanned: `${routes.routes?.length ?? 0} routes, ${methods} methods`,
        findings: count('plugin'),
      });
    }
  }
  for (const c of ['synth', 'routes'] as const) {
    if (!want(c))
      checks.push({
        check: c === 'synth' ? 'synthesized configuration' : 'plugin route table',
        tool: 'OPA',
        scanned: '-',
        findings: 0,
        skipped: 'not in --checks',
      });
  }

  if (want('secrets')) {
    const version = await goModuleVersion(GITLEAKS);
    const scans: GitleaksScan[] = [
      await scanWorkingTree(opts.repo, join(work, 'working-tree')),
      await scanHistory(opts.repo, work),
    ];
    for (const scan of scans) {
      runs.push(gitleaksRun(scan, version, opts.repo));
      checks.push({
        check: `secrets in the ${scan.target}`,
        tool: `gitleaks ${version}`,
        scanned: scan.scanned,
        findings: scan.run.results?.length ?? 0,
      });
    }
    notes.push(
      `gitleaks: ${displayPath(opts.repo) || '.'} with audit/gitleaks/gitleaks.toml (default rules plus a narrow fixture allowlist); the working tree is every file git would commit, the history every commit reachable from HEAD.`
    );
  } else {
    checks.push({ check: 'secrets', tool: 'gitleaks', scanned: '-', findings: 0, skipped: 'not in --checks' });
  }

  const report = markdownReport({ checks, runs, notes });
  writeFileSync(join(opts.out, 'report.md'), report);
  writeFileSync(join(opts.out, 'audit.sarif'), JSON.stringify(sarifLog(runs), null, 2) + '\n');
  return { findings: checks.reduce((n, c) => n + c.findings, 0), report };
}
