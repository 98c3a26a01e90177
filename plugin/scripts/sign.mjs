// `npm run sign`: signs dist/ with the pinned @grafana/sign-plugin, after
// checking what it cannot check itself. Signing sends the manifest (file
// names and SHA-256 sums, never the files) to grafana.com, so it needs a
// grafana.com access policy token and network access to grafana.com; it
// fails here, before any network call, when the token is missing or dist/
// would be signed incomplete (Grafana refuses a plugin whose directory holds
// a file the manifest does not list, so the backend binaries must be built
// first). Arguments pass through: `npm run sign -- --rootUrls https://grafana.example.com/`.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const pluginRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

function fail(message) {
  console.error(`npm run sign: ${message}`);
  process.exit(1);
}

/** The value of --distDir (as sign-plugin reads it), or dist/. */
function distDirFrom(argv) {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--distDir') {
      return argv[i + 1] ?? '';
    }
    if (argv[i].startsWith('--distDir=')) {
      return argv[i].slice('--distDir='.length);
    }
  }
  return 'dist';
}

const token = process.env.GRAFANA_ACCESS_POLICY_TOKEN ?? '';
if (token.trim() === '') {
  const legacy = process.env.GRAFANA_API_KEY ? ' (GRAFANA_API_KEY is set, but it is the deprecated name)' : '';
  fail(
    `GRAFANA_ACCESS_POLICY_TOKEN is not set${legacy}: signing needs a grafana.com access policy token ` +
      'with the plugins:write scope, and network access to grafana.com. ' +
      'Fix: create the token on grafana.com (My Account > Access Policies), export GRAFANA_ACCESS_POLICY_TOKEN, ' +
      'run `npm run build`, then `npm run sign` (add `-- --rootUrls https://your-grafana/` for a private signature).'
  );
}

const distDir = path.resolve(process.cwd(), distDirFrom(args));
const pluginJsonFile = path.join(distDir, 'plugin.json');
if (!existsSync(pluginJsonFile) || !existsSync(path.join(distDir, 'module.js'))) {
  fail(`${distDir} has no plugin.json or module.js. Fix: run \`npm run build\` first.`);
}
const { executable } = JSON.parse(readFileSync(pluginJsonFile, 'utf8'));
// The platforms `go tool mage -v` (Magefile.go, the SDK's BuildAll) writes.
const binaries = ['linux_amd64', 'linux_arm64', 'linux_arm', 'darwin_amd64', 'darwin_arm64', 'windows_amd64.exe'].map(
  (platform) => `${executable}_${platform}`
);
const missing = binaries.filter((name) => !existsSync(path.join(distDir, name)));
if (missing.length > 0) {
  fail(
    `${distDir} lacks the backend for ${missing.join(', ')}; a signature covers every file, so ` +
      'a binary added later would invalidate it. Fix: run `npm run build` (frontend and every backend platform) first.'
  );
}

const require = createRequire(import.meta.url);
const signPluginPackage = require.resolve('@grafana/sign-plugin/package.json', { paths: [pluginRoot] });
const { bin } = JSON.parse(readFileSync(signPluginPackage, 'utf8'));
const signPluginBin = path.join(path.dirname(signPluginPackage), typeof bin === 'string' ? bin : Object.values(bin)[0]);
const result = spawnSync(process.execPath, [signPluginBin, ...args], { stdio: 'inherit' });
process.exit(result.status ?? 1);
