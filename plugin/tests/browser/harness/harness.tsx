// Test code: the browser harness. It plays the part of Grafana's frontend
// for the real built plugin: a define() that hands dist/module.js the same
// shared modules Grafana would (real React, @grafana/ui, runtime, data,
// rxjs, emotion) and the AMD "module" meta SystemJS passes, the signed-in user from /api/user, the plugin's settings
// from /api/plugins/<id>/settings, and a BackendSrv over HTTP. Then it
// mounts the plugin's config page (?view=config) or root page (?view=app).
import * as emotionCss from '@emotion/css';
import * as grafanaData from '@grafana/data';
import { AppPlugin, AppPluginMeta, PluginType } from '@grafana/data';
import * as grafanaRuntime from '@grafana/runtime';
import { config, setBackendSrv } from '@grafana/runtime';
import * as grafanaUI from '@grafana/ui';
import { GlobalStyles } from '@grafana/ui';
import * as React from 'react';
import * as ReactDOM from 'react-dom';
import * as ReactDOMClient from 'react-dom/client';
import * as jsxRuntime from 'react/jsx-runtime';
import * as rxjs from 'rxjs';
import { lastValueFrom } from 'rxjs';
import * as rxjsOperators from 'rxjs/operators';

import { asBackendSrv, HttpBackendSrv } from './httpBackendSrv';

const PLUGIN_ID = 'platformkit-apibridge-app';
const MODULE_URL = `/public/plugins/${PLUGIN_ID}/module.js`;

const shared: Record<string, unknown> = {
  '@emotion/css': emotionCss,
  '@grafana/data': grafanaData,
  '@grafana/runtime': grafanaRuntime,
  '@grafana/ui': grafanaUI,
  react: React,
  'react/jsx-runtime': jsxRuntime,
  'react-dom': ReactDOM,
  'react-dom/client': ReactDOMClient,
  rxjs,
  'rxjs/operators': rxjsOperators,
};

type Define = ((deps: string[], factory: (...args: unknown[]) => unknown) => void) & { amd: object };

/** Loads module.js the way Grafana's AMD loader does and returns its exports. */
function loadPluginModule(): Promise<{ plugin: AppPlugin }> {
  return new Promise((resolve, reject) => {
    const define = ((deps, factory) => {
      try {
        const args = deps.map((name) => {
          // SystemJS's AMD "module" meta: create-plugin's build derives the
          // public path of its lazy chunks from the module's own URL.
          if (name === 'module') {
            return { id: MODULE_URL, uri: MODULE_URL };
          }
          if (!(name in shared)) {
            throw new Error(`module.js asked for ${name}, which Grafana does not share with plugins`);
          }
          return shared[name];
        });
        resolve(factory(...args) as { plugin: AppPlugin });
      } catch (err) {
        reject(err);
      }
    }) as Define;
    define.amd = {};
    (window as unknown as { define: Define }).define = define;
    const script = document.createElement('script');
    script.src = MODULE_URL;
    script.onerror = () => reject(new Error(`could not load ${MODULE_URL}`));
    document.head.appendChild(script);
  });
}

async function get<T>(url: string): Promise<T> {
  const res = await lastValueFrom(grafanaRuntime.getBackendSrv().fetch<T>({ url, method: 'GET' }));
  return res.data;
}

interface StoredSettings {
  enabled?: boolean;
  pinned?: boolean;
  jsonData?: Record<string, unknown>;
  secureJsonFields?: Record<string, boolean>;
}

async function main() {
  const view = new URLSearchParams(window.location.search).get('view');
  const root = ReactDOMClient.createRoot(document.getElementById('root')!);
  if (view !== 'config' && view !== 'app') {
    root.render(<p>Harness ready: open ?view=config or ?view=app</p>);
    return;
  }
  setBackendSrv(asBackendSrv(new HttpBackendSrv()));
  const user = await get<{ login: string; orgRole: string; isGrafanaAdmin: boolean }>('api/user');
  config.bootData.user = {
    ...config.bootData.user,
    login: user.login,
    orgRole: user.orgRole as grafanaData.OrgRole,
    isGrafanaAdmin: user.isGrafanaAdmin,
  };

  const { plugin } = await loadPluginModule();
  const settings = await get<StoredSettings>(`api/plugins/${PLUGIN_ID}/settings`);
  const meta = {
    id: PLUGIN_ID,
    name: 'API Bridge',
    type: PluginType.app,
    module: MODULE_URL,
    baseUrl: `public/plugins/${PLUGIN_ID}`,
    enabled: settings.enabled ?? false,
    pinned: settings.pinned ?? false,
    jsonData: settings.jsonData ?? {},
    secureJsonFields: settings.secureJsonFields ?? {},
    info: {} as AppPluginMeta['info'],
  } as AppPluginMeta;
  plugin.meta = meta;
  plugin.init(meta);

  let page: React.ReactNode;
  if (view === 'config') {
    const ConfigPage = plugin.configPages![0].body;
    page = <ConfigPage plugin={plugin} query={{}} />;
  } else {
    const Root = plugin.root!;
    page = (
      <Root meta={meta} query={{}} path={`/a/${PLUGIN_ID}`} basename={`/a/${PLUGIN_ID}`} onNavChanged={() => {}} />
    );
  }
  root.render(
    <grafanaUI.ThemeContext.Provider value={config.theme2}>
      <GlobalStyles />
      <main data-harness-view={view} style={{ padding: 24 }}>
        <h1>API Bridge — {view === 'config' ? 'Configuration' : 'Profile'}</h1>
        {page}
      </main>
    </grafanaUI.ThemeContext.Provider>
  );
}

main().catch((err) => {
  const el = document.getElementById('root')!;
  el.textContent = `Harness failed: ${err instanceof Error ? err.message : JSON.stringify(err)}`;
  el.setAttribute('data-harness-error', 'true');
});
