// The command line of npm run audit (audit/run-audit.sh runs it): what the
// audit does is in audit.ts. Exit 0: no findings; 1: findings; 2: the audit
// could not run (the message says why and what to do).
import { join } from 'node:path';
import { audit, parseArgs } from './audit';
import { displayPath } from './synth';
import { AuditError } from './tools';

async function main(argv: string[]): Promise<number> {
  const opts = parseArgs(argv);
  const { findings, report } = await audit(opts);
  console.log(report);
  console.log(
    `audit: ${findings} finding${findings === 1 ? '' : 's'}; report ${displayPath(join(opts.out, 'report.md'))}, SARIF ${displayPath(join(opts.out, 'audit.sarif'))}`
  );
  return findings === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof AuditError ? `audit: error: ${e.message}` : e);
    process.exit(2);
  }
);
