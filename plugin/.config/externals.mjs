// Modules Grafana's plugin loader hands to every plugin (its shared
// dependencies, see grafana/grafana public/app/features/plugins/loader/
// sharedDependencies.ts): the bundle must import these from Grafana, never
// carry its own copy, or React state, themes and i18n would split in two.
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
