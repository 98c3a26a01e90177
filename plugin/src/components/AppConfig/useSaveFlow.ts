// One save of the settings, for either form: wait for the save spacing,
// POST the settings, let the form forget what it sent, run the health
// check. The page shows each phase; a failed save runs no health check.
import { useState } from 'react';

import { ApiError, checkHealth, HealthVerdict, PluginSettingsBody, saveSettings, toApiError } from '../../api';
import { useSaveSpacing } from './useSaveSpacing';

export type SaveState =
  | { phase: 'idle' }
  | { phase: 'saving' }
  | { phase: 'checking' }
  | { phase: 'failed'; error: ApiError }
  | { phase: 'done'; verdict: HealthVerdict };

export function useSaveFlow(spacing: ReturnType<typeof useSaveSpacing>, onEnabled: () => void) {
  const [state, setState] = useState<SaveState>({ phase: 'idle' });
  const pending = state.phase === 'saving' || state.phase === 'checking';
  return {
    state,
    pending,
    /**
     * Saves body; `saved` runs once Grafana has stored it (the form lets go
     * of typed secrets there). Resolves with the health verdict, or
     * undefined when the save failed.
     */
    run: async (body: PluginSettingsBody, saved: () => void): Promise<HealthVerdict | undefined> => {
      setState({ phase: 'saving' });
      try {
        await spacing.ready();
        await saveSettings(body);
        spacing.answered();
      } catch (err) {
        setState({ phase: 'failed', error: toApiError(err) });
        return undefined;
      }
      saved();
      onEnabled();
      setState({ phase: 'checking' });
      const verdict = await checkHealth();
      setState({ phase: 'done', verdict });
      return verdict;
    },
  };
}
