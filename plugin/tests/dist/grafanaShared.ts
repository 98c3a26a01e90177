// Modules Grafana's plugin loader hands to every plugin (its shared
// dependencies: grafana/grafana public/app/features/plugins/loader/
// sharedDependencies.ts, 13.x). The bundle must import these from Grafana,
// never carry its own copy, or React state, themes and i18n would split in two.
export const GRAFANA_SHARED = [
  '@emotion/css',
  '@emotion/react',
  '@grafana/data',
  '@grafana/runtime',
  '@grafana/ui',
  'lodash',
  'react',
  'react/jsx-runtime',
  'react-dom',
  'react-dom/client',
  'rxjs',
  'rxjs/operators',
];

// The AMD "module" dependency: SystemJS passes the module's own URL, which
// create-plugin's webpack config turns into the public path for lazy chunks.
export const AMD_MODULE_META = 'module';

// Packages that must never be inside dist/: each is provided by Grafana.
export const MUST_NOT_BUNDLE =
  /node_modules\/(react|react-dom|scheduler|@grafana\/[^/]+|rxjs|@emotion\/[^/]+|lodash)\//;
