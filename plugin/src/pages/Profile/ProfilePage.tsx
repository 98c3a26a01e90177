// The profile of one connection: asks the backend whether it is configured,
// then shows the profile the third-party API returns for the connection's
// credential. Without a connection it calls the old routes (status,
// profile), which mean connection "default". The browser only ever sees the
// API's data, never the key.
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Alert, Button, EmptyState, LoadingPlaceholder, Stack, useStyles2 } from '@grafana/ui';
import { Fragment, ReactNode, useEffect, useState } from 'react';

import { ApiError, getProfile, getStatus, Profile, toApiError } from '../../api';
import { SetupNeeded } from '../../components/SetupNeeded/SetupNeeded';
import { GRAFANA_CODES } from '../../grafanaErrors';

export const testIds = {
  loading: 'apibridge-profile-loading',
  profile: 'apibridge-profile',
  empty: 'apibridge-profile-empty',
  error: 'apibridge-profile-error',
};

type View =
  | { kind: 'loading' }
  | { kind: 'not_configured'; message: string }
  // Grafana itself refused: no settings row yet, or the app is disabled.
  | { kind: 'not_set_up'; error: ApiError }
  | { kind: 'error'; error: ApiError }
  | { kind: 'profile'; profile: Profile };

async function loadProfile(connection?: string): Promise<View> {
  try {
    const status = await getStatus(connection);
    if (!status.configured) {
      return { kind: 'not_configured', message: status.reason || 'The plugin has no API URL or API key yet.' };
    }
    const profile = await getProfile(connection);
    return { kind: 'profile', profile: profile ?? {} };
  } catch (err) {
    const error = toApiError(err);
    if (error.code === 'not_configured') {
      return { kind: 'not_configured', message: error.message };
    }
    if (error.code === GRAFANA_CODES.appNotSetUp || error.code === GRAFANA_CODES.appDisabled) {
      return { kind: 'not_set_up', error };
    }
    return { kind: 'error', error };
  }
}

interface Props {
  /** The connection whose profile to show; none means the old routes (connection "default"). */
  connection?: string;
  /** Shown above the profile (the connections and their status). */
  children?: ReactNode;
}

export function ProfilePage({ connection, children }: Props) {
  const [view, setView] = useState<View>({ kind: 'loading' });
  // Bumped by Refresh; each load's answer is dropped if a newer one started
  // or the page closed meanwhile.
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let current = true;
    loadProfile(connection).then((next) => current && setView(next));
    return () => {
      current = false;
    };
  }, [generation, connection]);
  const reload = () => {
    setView({ kind: 'loading' });
    setGeneration((g) => g + 1);
  };

  return (
    <PluginPage>
      <Stack direction="column" gap={2}>
        {children}
        <ProfileView view={view} />
        {view.kind !== 'loading' && (
          <div>
            <Button variant="secondary" icon="sync" onClick={reload}>
              Refresh
            </Button>
          </div>
        )}
      </Stack>
    </PluginPage>
  );
}

function ProfileView({ view }: { view: View }) {
  const styles = useStyles2(getStyles);
  switch (view.kind) {
    case 'loading':
      return <LoadingPlaceholder text="Loading the profile…" data-testid={testIds.loading} />;
    case 'not_configured':
      return <SetupNeeded title="API Bridge is not configured" message={view.message} />;
    case 'not_set_up':
      return view.error.code === GRAFANA_CODES.appDisabled ? (
        <SetupNeeded
          title="API Bridge is disabled"
          message={view.error.message}
          viewerHint="Ask a Grafana administrator of this organization to enable API Bridge."
        />
      ) : (
        <SetupNeeded
          title="API Bridge is not set up yet"
          message={view.error.message}
          viewerHint="Ask a Grafana administrator of this organization to set up API Bridge on its configuration page."
        />
      );
    case 'error':
      if (view.error.code === 'upstream_key_refused') {
        return <SetupNeeded title="The API refused the key" message={view.error.message} />;
      }
      return (
        <Alert title="Could not load the profile" severity="error" data-testid={testIds.error}>
          {view.error.message} ({view.error.code})
        </Alert>
      );
    case 'profile': {
      const entries = Object.entries(view.profile);
      if (entries.length === 0) {
        return (
          <div data-testid={testIds.empty}>
            <EmptyState variant="not-found" message="The API returned an empty profile" />
          </div>
        );
      }
      return (
        <dl className={styles.list} data-testid={testIds.profile}>
          {entries.map(([key, value]) => (
            <Fragment key={key}>
              <dt className={styles.key}>{key}</dt>
              <dd className={styles.value}>{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
            </Fragment>
          ))}
        </dl>
      );
    }
  }
}

const getStyles = (theme: GrafanaTheme2) => ({
  list: css({
    display: 'grid',
    gridTemplateColumns: 'max-content auto',
    gap: theme.spacing(1, 3),
    margin: 0,
    padding: theme.spacing(2),
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    maxWidth: theme.spacing(80),
  }),
  key: css({ color: theme.colors.text.secondary, fontWeight: theme.typography.fontWeightMedium }),
  value: css({ margin: 0, wordBreak: 'break-word' }),
});
