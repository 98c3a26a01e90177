// Which secure fields a save of the connections list writes. Grafana's
// settings save (UpdatePluginSetting, pkg/api/plugins.go) replaces jsonData
// whole but merges secureJsonData key by key, and there is no way to delete
// a key: any value sent, even "", replaces the stored one, and a key whose
// stored value is "" is left out of secureJsonFields. The page never reads a
// stored secret, so it cannot move one either. Hence:
// - a secret is sent only when typed; one left "configured" is not sent;
// - a connection's secret is "configured" only while the connection keeps
//   the name and auth kind it was stored with: a renamed connection's
//   secret must be typed again under its new name;
// - every stored secure field that no connection reads after the save -
//   the old name's after a rename, a removed connection's, the other auth
//   kind's after a change, the old form's `apiKey` after the switch to the
//   list - is sent as "", so no secret is left behind under a name that a
//   later connection could take.
import { goTrimSpace } from '../contract/bytes';
import { apiKeyFinding } from '../contract/headerRules';
import { formatProblem } from '../contract/problems';
import { ConnectionForm } from './form';
import { CONNECTION_SECRETS, LEGACY_SECRET, SECRET_NAMES, SecretName, secureKey } from './shape';

export interface SecretSlot {
  secret: SecretName;
  /** Where Grafana keeps it: `<name>.<secret>`. */
  key: string;
  /** Stored for this connection as it is now: shown as "configured", not sent. */
  configured: boolean;
}

/** `${connection id}/${secret}`: a slot the user pressed Reset on. */
export const slotId = (id: string, secret: SecretName) => `${id}/${secret}`;

export function secretSlots(
  form: ConnectionForm,
  storedFields: ReadonlySet<string>,
  reset: ReadonlySet<string>
): SecretSlot[] {
  const name = goTrimSpace(form.name);
  const unchanged = form.stored?.name === name && form.stored.auth === form.auth;
  return CONNECTION_SECRETS[form.auth].map((secret) => {
    const key = secureKey(name, secret);
    return {
      secret,
      key,
      configured: unchanged && storedFields.has(key) && !reset.has(slotId(form.id, secret)),
    };
  });
}

export interface SecretPlan {
  /** What Save sends: typed secrets, and "" for every field no connection reads any more. */
  secureJsonData: Record<string, string>;
  /** Per connection id, per secret: why it cannot be saved (never quoting it). */
  problems: Record<string, Partial<Record<SecretName, string>>>;
  valid: boolean;
}

// A connection's secure field as Grafana would hold it; other stored
// fields (not the page's to manage) are never touched.
const MANAGED = new RegExp(`^[a-z][a-z0-9-]{0,31}\\.(${SECRET_NAMES.join('|')})$`);

export function planSecrets(
  forms: ConnectionForm[],
  storedFields: ReadonlySet<string>,
  reset: ReadonlySet<string>,
  typed: (id: string, secret: SecretName) => string
): SecretPlan {
  const secureJsonData: Record<string, string> = {};
  const problems: SecretPlan['problems'] = {};
  const inUse = new Set<string>();
  for (const form of forms) {
    for (const slot of secretSlots(form, storedFields, reset)) {
      inUse.add(slot.key);
      if (slot.configured) {
        continue;
      }
      const value = typed(form.id, slot.secret);
      const problem = secretProblem(slot, value);
      if (problem) {
        (problems[form.id] ??= {})[slot.secret] = problem;
      } else {
        secureJsonData[slot.key] = value;
      }
    }
  }
  for (const key of storedFields) {
    if ((key === LEGACY_SECRET || MANAGED.test(key)) && !inUse.has(key)) {
      secureJsonData[key] = '';
    }
  }
  return { secureJsonData, problems, valid: Object.keys(problems).length === 0 };
}

/** The stored fields after a save of this plan: Grafana lists only non-empty values. */
export function storedAfter(storedFields: ReadonlySet<string>, plan: SecretPlan): Set<string> {
  const next = new Set(storedFields);
  for (const [key, value] of Object.entries(plan.secureJsonData)) {
    if (value === '') {
      next.delete(key);
    } else {
      next.add(key);
    }
  }
  return next;
}

const REQUIRED_FIX: Record<SecretName, string> = {
  apiKey: 'type the key the API gave you',
  clientSecret: 'type the client secret the token endpoint issued',
  tlsClientCert: 'paste the PEM client certificate',
  tlsClientKey: "paste the certificate's PEM private key",
};

// The backend's rules for a stored secret (parseAPIKey for a key or client
// secret; PEM blocks for mTLS, which it then parses and matches).
function secretProblem({ key, secret }: SecretSlot, value: string): string | undefined {
  if (value === '') {
    return formatProblem({ field: key, problem: 'is required', fix: REQUIRED_FIX[secret] });
  }
  if (secret === 'apiKey' || secret === 'clientSecret') {
    const finding = apiKeyFinding(value, goTrimSpace(value));
    return finding && formatProblem({ field: key, ...finding });
  }
  const pem = /-----BEGIN ([^\r\n-]*)-----\r?\n/.exec(goTrimSpace(value))?.[1] ?? '';
  const ok = secret === 'tlsClientCert' ? pem === 'CERTIFICATE' : pem.endsWith('PRIVATE KEY');
  return ok
    ? undefined
    : formatProblem({
        field: key,
        problem: secret === 'tlsClientCert' ? 'is not a PEM certificate' : 'is not a PEM private key',
        fix: REQUIRED_FIX[secret],
      });
}
