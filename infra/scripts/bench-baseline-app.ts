// Baseline for bench-synth.sh: the smallest cdktn app (one empty stack), so
// the benchmark shows what our config validation and stacks add on top of
// cdktn's own start-up and synth.
import { App, TerraformStack } from 'cdktn';

const app = new App();
new TerraformStack(app, 'baseline-empty');
app.synth();
