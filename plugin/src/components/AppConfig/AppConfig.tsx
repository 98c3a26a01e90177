// The plugin's configuration page (Admin only, see plugin.json includes).
// Settings stored in the old single-connection form keep their form
// (SingleConnectionForm) until the user adds a second connection; settings
// stored as a list of named connections - or the old ones once "Add a
// connection" was pressed - are edited by ConnectionsForm. Both share the
// guidance before the first save, the one-save-per-second spacing and the
// save/health-check flow.
import { css } from '@emotion/css';
import { AppPluginMeta, GrafanaTheme2, PluginConfigPageProps, PluginMeta } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import { useState } from 'react';

import { defaultFromSingleForm, formsFromJsonData, newConnection } from '../../connections/form';
import { ConnectionJsonData } from '../../connections/shape';
import { AppJsonData } from '../../settings';
import { NotEnabledAlert } from './AppConfigAlerts';
import { ConnectionsForm } from './ConnectionsForm';
import { SingleConnectionForm } from './SingleConnectionForm';
import { testIds } from './testIds';
import { useSaveFlow } from './useSaveFlow';
import { useSaveSpacing } from './useSaveSpacing';

export { testIds };

export type AppConfigProps = PluginConfigPageProps<AppPluginMeta<AppJsonData>>;

type Mode =
  { kind: 'single' } | { kind: 'list'; initial: ReturnType<typeof formsFromJsonData>; switchedFromSingle: boolean };

export default function AppConfig({ plugin }: AppConfigProps) {
  const meta: PluginMeta<AppJsonData> = plugin.meta;
  const styles = useStyles2(getStyles);
  const stored = storedConnections(meta.jsonData);
  const [mode, setMode] = useState<Mode>(() =>
    stored ? { kind: 'list', initial: formsFromJsonData(stored), switchedFromSingle: false } : { kind: 'single' }
  );
  // Grafana gives an app with no settings row (never saved in this org) the
  // same meta as a disabled one, minus the stored values.
  const [enabled, setEnabled] = useState<boolean>(Boolean(meta.enabled));
  const hasStoredSettings =
    Boolean(meta.jsonData?.apiUrl) || Boolean(stored) || Object.values(meta.secureJsonFields ?? {}).some(Boolean);
  const save = useSaveFlow(useSaveSpacing(), () => setEnabled(true));

  return (
    <div className={styles.page}>
      {!enabled && <NotEnabledAlert hasStoredSettings={hasStoredSettings} />}
      {mode.kind === 'single' ? (
        <SingleConnectionForm
          meta={meta}
          save={save}
          onAddConnection={(flat) =>
            setMode({ kind: 'list', initial: [defaultFromSingleForm(flat), newConnection()], switchedFromSingle: true })
          }
        />
      ) : (
        <ConnectionsForm
          meta={meta}
          save={save}
          initial={mode.initial}
          switchedFromSingle={mode.switchedFromSingle}
          enabled={enabled}
        />
      )}
    </div>
  );
}

function storedConnections(jsonData: AppJsonData | undefined): ConnectionJsonData[] | undefined {
  const list = (jsonData as { connections?: unknown } | undefined)?.connections;
  return Array.isArray(list) ? (list as ConnectionJsonData[]) : undefined;
}

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({ maxWidth: theme.spacing(120) }),
});
