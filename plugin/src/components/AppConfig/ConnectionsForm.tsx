// The list of named connections (jsonData.connections): add, rename,
// remove, edit each one's settings, set or rotate one connection's secret,
// and see each one's health verdict. Save sends the whole list as jsonData
// and in secureJsonData only the secrets that were typed, plus "" for every
// stored secret no connection reads any more (connections/secrets.ts) - the
// old name's after a rename, a removed connection's, and the old form's
// `apiKey` after the switch from it.
import { PluginMeta } from '@grafana/data';
import { Alert, Button, FieldSet, Stack } from '@grafana/ui';
import { FormEvent, useState } from 'react';

import { PluginSettingsBody } from '../../api';
import { ConnectionForm, listJsonData } from '../../connections/form';
import { AppJsonData } from '../../settings';
import { ConnectionEditor } from './ConnectionEditor';
import { SaveFooter } from './SaveFooter';
import { testIds } from './testIds';
import { useConnectionSecrets } from './useConnectionSecrets';
import { useConnectionsForm } from './useConnectionsForm';
import { useConnectionVerdicts } from './useConnectionVerdicts';
import { useSaveFlow } from './useSaveFlow';

interface Props {
  meta: PluginMeta<AppJsonData>;
  save: ReturnType<typeof useSaveFlow>;
  initial: ConnectionForm[];
  /** The page was in the old single-connection form until "Add a connection". */
  switchedFromSingle: boolean;
  enabled: boolean;
}

export function ConnectionsForm({ meta, save, initial, switchedFromSingle, enabled }: Props) {
  const list = useConnectionsForm(initial);
  const secrets = useConnectionSecrets(meta.secureJsonFields);
  const { verdicts, refresh } = useConnectionVerdicts(enabled);
  const [converting, setConverting] = useState(switchedFromSingle);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    list.submit();
    const plan = secrets.read(list.forms);
    if (!list.valid || !plan.valid || save.pending) {
      return;
    }
    const body: PluginSettingsBody = {
      enabled: true,
      pinned: meta.pinned ?? true,
      jsonData: listJsonData(list.forms),
    };
    if (Object.keys(plan.secureJsonData).length > 0) {
      body.secureJsonData = plan.secureJsonData;
    }
    const verdict = await save.run(body, () => {
      secrets.saved(plan);
      list.saved();
      setConverting(false);
    });
    if (verdict) {
      await refresh();
    }
  };

  return (
    <form onSubmit={onSubmit} data-testid={testIds.form} noValidate>
      {converting && (
        <Alert title="Switching to named connections" severity="info" data-testid={testIds.switchNotice}>
          The settings carry over as connection &quot;default&quot;. Its API key cannot: Grafana never gives a stored
          key back to this page, and named connections keep it as &quot;default.apiKey&quot;. Type it again below.
          Saving stores the list and clears the old key.
        </Alert>
      )}
      <FieldSet label="Connections" data-testid={testIds.connectionsList}>
        <Stack direction="column" gap={1}>
          {list.forms.map((form, index) => (
            <ConnectionEditor
              key={form.id}
              list={list}
              form={form}
              index={index}
              secrets={secrets}
              verdict={form.stored ? verdicts.byName.get(form.stored.name) : undefined}
              canRemove={list.forms.length > 1}
            />
          ))}
        </Stack>
        {verdicts.error && (
          <Alert title="No health verdicts" severity="warning">
            {verdicts.error}
          </Alert>
        )}
        {list.listProblem && (
          <Alert title="The list cannot be saved" severity="error" data-testid={testIds.listProblem}>
            {list.listProblem}
          </Alert>
        )}
      </FieldSet>
      <SaveFooter state={save.state} pending={save.pending}>
        <Button
          variant="secondary"
          icon="plus"
          type="button"
          disabled={save.pending}
          onClick={list.add}
          data-testid={testIds.addConnection}
        >
          Add a connection
        </Button>
      </SaveFooter>
    </form>
  );
}
