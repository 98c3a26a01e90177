// Builds the `plugin` prop Grafana passes to a config page, for tests.
import { AppPlugin, AppPluginMeta, PluginType } from '@grafana/data';

import { PLUGIN_ID } from '../constants';
import { AppJsonData } from '../settings';

/** enabled=false with no stored values is what Grafana passes before the first save. */
export function appPluginWith(
  jsonData: AppJsonData,
  secureJsonFields: Record<string, boolean> = {},
  enabled = true
): AppPlugin<AppJsonData> {
  const plugin = new AppPlugin<AppJsonData>();
  plugin.meta = {
    id: PLUGIN_ID,
    name: 'API Bridge',
    type: PluginType.app,
    module: `public/plugins/${PLUGIN_ID}/module.js`,
    baseUrl: `public/plugins/${PLUGIN_ID}`,
    enabled,
    pinned: enabled,
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
