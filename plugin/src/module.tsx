// Grafana loads dist/module.js and reads its `plugin` export. Both pages load
// lazily so that registering the app costs Grafana nothing until a page opens.
import { AppPlugin, AppPluginMeta, AppRootProps, PluginConfigPageProps } from '@grafana/data';
import { LoadingPlaceholder } from '@grafana/ui';
import { lazy, Suspense } from 'react';

import { AppJsonData } from './settings';

const LazyApp = lazy(() => import('./components/App/App'));
const LazyAppConfig = lazy(() => import('./components/AppConfig/AppConfig'));

function App(props: AppRootProps<AppJsonData>) {
  return (
    <Suspense fallback={<LoadingPlaceholder text="Loading API Bridge…" />}>
      <LazyApp {...props} />
    </Suspense>
  );
}

function AppConfig(props: PluginConfigPageProps<AppPluginMeta<AppJsonData>>) {
  return (
    <Suspense fallback={<LoadingPlaceholder text="Loading API Bridge…" />}>
      <LazyAppConfig {...props} />
    </Suspense>
  );
}

export const plugin = new AppPlugin<AppJsonData>().setRootPage(App).addConfigPage({
  title: 'Configuration',
  icon: 'cog',
  body: AppConfig,
  id: 'configuration',
});
