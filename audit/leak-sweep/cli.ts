// The command line of npm run leak-sweep (audit/run-leak-sweep.sh runs it):
// prints the table of artifact classes (files scanned, hits) and exits 1 on
// any hit or on a class with no file scanned, 2 when the run itself failed.
import { leakSweep, SWEEP_DIR } from './sweep';

leakSweep().then(
  ({ table, failures }) => {
    console.log(
      `\nleak sweep: one canary key through store -> deploy -> Grafana double -> plugin -> API double -> browser; artifacts in ${SWEEP_DIR}\n`
    );
    console.log(table);
    if (failures.length > 0) {
      console.log(`\nleak sweep FAILED:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
      process.exit(1);
    }
    console.log('\nleak sweep: no hit in any class');
  },
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(2);
  }
);
