// Each connection's health verdict, from the backend's connections route
// (its own health check of every connection, at most 30 s old; right after
// a save the health check has just refreshed it). Loaded when the page opens
// on an enabled app and again after every save.
import { useCallback, useEffect, useState } from 'react';

import { getConnections, toApiError } from '../../api';
import { ConnectionInfo } from '../../connections/shape';

export interface Verdicts {
  byName: ReadonlyMap<string, ConnectionInfo['health']>;
  /** Why there are none: the plugin is not configured, or the call failed. */
  error?: string;
}

async function fetchVerdicts(): Promise<Verdicts> {
  try {
    const list = await getConnections();
    return { byName: new Map(list.map((c) => [c.name, c.health])) };
  } catch (err) {
    return { byName: new Map(), error: toApiError(err).message };
  }
}

export function useConnectionVerdicts(enabled: boolean) {
  const [verdicts, setVerdicts] = useState<Verdicts>({ byName: new Map() });
  // Only on an app that was enabled when the page opened: before that,
  // Grafana answers every route with 404 (the guidance says so instead).
  const [loadOnOpen] = useState(enabled);
  useEffect(() => {
    let current = true;
    if (loadOnOpen) {
      fetchVerdicts().then((v) => current && setVerdicts(v));
    }
    return () => {
      current = false;
    };
  }, [loadOnOpen]);
  const refresh = useCallback(async () => setVerdicts(await fetchVerdicts()), []);
  return { verdicts, refresh };
}
