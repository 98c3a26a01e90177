// Save, and what came of it: Grafana's refusal, or the health verdict.
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { Alert, Button, Stack, useStyles2 } from '@grafana/ui';
import { ReactNode } from 'react';

import { HealthAlert } from './AppConfigAlerts';
import { testIds } from './testIds';
import { SaveState } from './useSaveFlow';

interface Props {
  state: SaveState;
  pending: boolean;
  /** Buttons shown beside Save. */
  children?: ReactNode;
}

export function SaveFooter({ state, pending, children }: Props) {
  const styles = useStyles2(getStyles);
  return (
    <>
      <Stack gap={2}>
        <Button type="submit" disabled={pending} icon={pending ? 'spinner' : undefined} data-testid={testIds.save}>
          {state.phase === 'saving' ? 'Saving…' : state.phase === 'checking' ? 'Checking…' : 'Save settings'}
        </Button>
        {children}
      </Stack>
      {state.phase === 'failed' && (
        <Alert
          title="Settings were not saved"
          severity="error"
          data-testid={testIds.saveError}
          className={styles.alert}
        >
          {state.error.message} (HTTP {state.error.status})
        </Alert>
      )}
      {state.phase === 'done' && <HealthAlert verdict={state.verdict} className={styles.alert} />}
    </>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  alert: css({ marginTop: theme.spacing(2) }),
});
