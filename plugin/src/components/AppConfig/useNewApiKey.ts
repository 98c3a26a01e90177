// The API key field. A stored key shows only as "configured" (SecretInput)
// and is never read back. A new key is typed into an uncontrolled input and
// read once, on Save: it is never in React state, and React never copies it
// into the input's value attribute (page markup). After a save the input
// unmounts, and the key with it.
import { ChangeEvent, useRef, useState } from 'react';

import { API_KEY_REQUIRED, validateApiKey } from '../../settings';

export function useNewApiKey(storedKey: boolean) {
  const [configured, setConfigured] = useState(storedKey);
  const [error, setError] = useState<string | undefined>();
  // Once Save was tried, the reason follows the typing.
  const [checked, setChecked] = useState(false);
  // While a key is configured this points at SecretInput's "configured" box.
  const input = useRef<HTMLInputElement>(null);

  const problem = (key: string) => (!configured && key === '' ? API_KEY_REQUIRED : validateApiKey(key));

  return {
    error,
    /**
     * For Save: the key typed since the last save ("" when the stored one
     * stays) and its problem, which the field now shows.
     */
    read: () => {
      const key = configured ? '' : (input.current?.value ?? '');
      const found = problem(key);
      setChecked(true);
      setError(found);
      return { key, problem: found };
    },
    /** After a save that sent a new key: it now lives only in Grafana. */
    saved: () => setConfigured(true),
    /** What SecretInput takes. */
    inputProps: {
      ref: input,
      isConfigured: configured,
      onChange: (e: ChangeEvent<HTMLInputElement>) => {
        if (checked) {
          setError(problem(e.currentTarget.value));
        }
      },
      onReset: () => {
        setConfigured(false);
        setError(undefined);
      },
    },
  };
}
