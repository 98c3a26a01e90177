// The app's root page: the connections the caller may use, each with its
// health (the backend's connections route), and the profile of the one
// chosen. When the list cannot be had - no settings yet, the app disabled,
// not configured - the profile page of the old routes explains why, as it
// always has.
import { AppRootProps } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Alert, LoadingPlaceholder } from '@grafana/ui';
import { useEffect, useState } from 'react';

import { getConnections } from '../../api';
import { ConnectionInfo } from '../../connections/shape';
import { ProfilePage } from '../../pages/Profile/ProfilePage';
import { ConnectionsOverview, testIds } from './ConnectionsOverview';

type Load = { kind: 'loading' } | { kind: 'unavailable' } | { kind: 'list'; connections: ConnectionInfo[] };

export default function App(_props: AppRootProps) {
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const [chosen, setChosen] = useState<string | undefined>();
  useEffect(() => {
    let current = true;
    getConnections().then(
      (connections) => current && setLoad({ kind: 'list', connections }),
      () => current && setLoad({ kind: 'unavailable' })
    );
    return () => {
      current = false;
    };
  }, []);

  switch (load.kind) {
    case 'loading':
      return (
        <PluginPage>
          <LoadingPlaceholder text="Loading the connections…" />
        </PluginPage>
      );
    case 'unavailable':
      return <ProfilePage />;
    case 'list': {
      if (load.connections.length === 0) {
        return (
          <PluginPage>
            <Alert title="No connection you may use" severity="info" data-testid={testIds.none}>
              API Bridge has no connection that your role may use. Ask a Grafana administrator of this organization.
            </Alert>
          </PluginPage>
        );
      }
      const selected = load.connections.find((c) => c.name === chosen)?.name ?? load.connections[0].name;
      return (
        // A new page per connection: no profile of the last one stays on screen.
        <ProfilePage key={selected} connection={selected}>
          <ConnectionsOverview connections={load.connections} selected={selected} onSelect={setChosen} />
        </ProfilePage>
      );
    }
  }
}
