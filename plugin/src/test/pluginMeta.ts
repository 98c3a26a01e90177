// Builds the `plugin` prop Grafana passes to a config page, for tests.
import { AppPlugin, AppPluginMeta, PluginType } from '@grafana/data';

import { PLUGIN_ID } from '../constants';
import { AppJsonData } from '../settings';

export function appPluginWith(
  jsonData: AppJsonData,
  secureJsonFields: Record<string, boolean> = {}
): AppPlugin<AppJsonData> {
  const plugin = new AppPlugin<AppJsonData>();
  plugin.meta = {
    id: PLUGIN_ID,
    name: 'API Bridge',
    type: PluginType.app,
    module: `public/plugins/${PLUGIN_ID}/module.js`,
    baseUrl: `public/plugins/${PLUGIN_ID}`,
    enabled: true,
    pinned: true,
    jsonData,
    secureJsonFields,
    info: {
      author: { name: 'Platform Kit' },
      description: '',
      links: [],
      logos: { small: '', large: '' },
      screenshots: [],
      updated: '',
      version: '0.1.0',
    },
  } as AppPluginMeta<AppJsonData>;
  return plugin;
}
