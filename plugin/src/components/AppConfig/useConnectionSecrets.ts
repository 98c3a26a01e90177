// The secret inputs of every connection. Which secure fields Grafana holds
// comes from secureJsonFields (then from what this page saved); a secret is
// typed into an uncontrolled input and read once, on Save: it is never in
// React state, and React never copies it into the input's value attribute.
// After a save that sent it, its input turns "configured" and unmounts, and
// the secret with it. What a save writes or clears: connections/secrets.ts.
import { useRef, useState } from 'react';

import { ConnectionForm } from '../../connections/form';
import { planSecrets, secretSlots, slotId, storedAfter, SecretPlan } from '../../connections/secrets';
import { SecretName } from '../../connections/shape';

type SecretElement = HTMLInputElement | HTMLTextAreaElement;

export function useConnectionSecrets(secureJsonFields: Record<string, boolean> | undefined) {
  const [stored, setStored] = useState<ReadonlySet<string>>(
    () => new Set(Object.entries(secureJsonFields ?? {}).flatMap(([k, set]) => (set ? [k] : [])))
  );
  const [reset, setReset] = useState<ReadonlySet<string>>(new Set());
  const [problems, setProblems] = useState<SecretPlan['problems']>({});
  const inputs = useRef(new Map<string, SecretElement>());

  return {
    slots: (form: ConnectionForm) => secretSlots(form, stored, reset),
    problemFor: (id: string, secret: SecretName) => problems[id]?.[secret],
    /** What a secret's SecretInput / SecretTextArea takes, besides its label. */
    inputProps: (id: string, secret: SecretName) => ({
      ref: (el: SecretElement | null) => {
        if (el) {
          inputs.current.set(slotId(id, secret), el);
        } else {
          inputs.current.delete(slotId(id, secret));
        }
      },
      onReset: () => setReset((r) => new Set(r).add(slotId(id, secret))),
    }),
    /** For Save: what to send, and the problems, which the fields now show. */
    read: (forms: ConnectionForm[]): SecretPlan => {
      const plan = planSecrets(
        forms,
        stored,
        reset,
        (id, secret) => inputs.current.get(slotId(id, secret))?.value ?? ''
      );
      setProblems(plan.problems);
      return plan;
    },
    /** After Grafana stored the plan: sent secrets are "configured", cleared ones gone. */
    saved: (plan: SecretPlan) => {
      setStored((s) => storedAfter(s, plan));
      setReset(new Set());
    },
  };
}

export type ConnectionSecrets = ReturnType<typeof useConnectionSecrets>;
