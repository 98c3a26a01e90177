// One connection as the configuration page edits it, how stored jsonData
// fills the list, and how the list becomes the jsonData Save sends. The
// single-connection settings (apiUrl, CA, timeouts, ...) are the same form
// and the same contract rules as the old form's (src/settings.ts); the list
// adds a name, the auth kind and the optional blocks.
import { goTrimSpace } from '../contract/bytes';
import { formFromJsonData, jsonDataFromForm, SettingsForm } from '../settings';
import { AuthKind, ConnectionJsonData, DEFAULT_CONNECTION, OVERRIDE_METHODS, OverrideMethod, RoleName } from './shape';

export interface ConnectionForm {
  /** Stable identity in the page (React key, secret inputs); never sent. */
  id: string;
  /** The name and auth kind Grafana stores for it now; undefined until a save stores it. */
  stored?: { name: string; auth: AuthKind };
  name: string;
  auth: AuthKind;
  flat: SettingsForm;
  oauth2: { tokenUrl: string; clientId: string; scopes: string };
  /** "" keeps the route table's minimum role for the method. */
  minRoles: Record<OverrideMethod, RoleName | ''>;
  cache: { enabled: boolean; maxEntries: string; maxBytes: string };
  rateLimit: {
    perUserPerSecond: string;
    perUserBurst: string;
    perConnectionPerSecond: string;
    perConnectionBurst: string;
  };
}

export type RateLimitField = keyof ConnectionForm['rateLimit'];

let nextId = 0;
const newId = () => `connection-${++nextId}`;

const noOverrides = (): ConnectionForm['minRoles'] =>
  Object.fromEntries(OVERRIDE_METHODS.map((m) => [m, ''])) as ConnectionForm['minRoles'];

const text = (n: number | undefined) => (n === undefined || n === null ? '' : String(n));

/** The page's entry for a stored connection. */
export function connectionFromJsonData(c: ConnectionJsonData, stored = true): ConnectionForm {
  const auth = c.auth ?? 'apiKey';
  return {
    id: newId(),
    stored: stored ? { name: c.name, auth } : undefined,
    name: c.name,
    auth,
    flat: formFromJsonData(c),
    oauth2: {
      tokenUrl: c.oauth2?.tokenUrl ?? '',
      clientId: c.oauth2?.clientId ?? '',
      scopes: (c.oauth2?.scopes ?? []).join(' '),
    },
    minRoles: { ...noOverrides(), ...(c.minRoles ?? {}) },
    cache: {
      enabled: c.cache?.enabled === true,
      maxEntries: text(c.cache?.maxEntries),
      maxBytes: text(c.cache?.maxBytes),
    },
    rateLimit: {
      perUserPerSecond: text(c.rateLimit?.perUserPerSecond),
      perUserBurst: text(c.rateLimit?.perUserBurst),
      perConnectionPerSecond: text(c.rateLimit?.perConnectionPerSecond),
      perConnectionBurst: text(c.rateLimit?.perConnectionBurst),
    },
  };
}

/** A connection the user just added: defaults, no name yet, nothing stored. */
export function newConnection(): ConnectionForm {
  return connectionFromJsonData({ name: '' }, false);
}

/**
 * The old form's settings as connection "default", for the switch to the
 * list: its settings carry over; its key cannot (see secrets.ts).
 */
export function defaultFromSingleForm(flat: SettingsForm): ConnectionForm {
  return { ...newConnection(), name: DEFAULT_CONNECTION, flat };
}

export function formsFromJsonData(connections: ConnectionJsonData[]): ConnectionForm[] {
  return connections.map((c) => connectionFromJsonData(c));
}

/**
 * The jsonData entry for a connection, as Save sends it. authHeader and
 * authScheme belong to auth apiKey only (the backend refuses them beside
 * another kind); an empty optional number is left out; numbers typed as
 * text that is not a number stay text, for the rules to name.
 */
export function jsonDataFromConnection(form: ConnectionForm): ConnectionJsonData {
  const flat = jsonDataFromForm(form.flat) as Omit<ConnectionJsonData, 'name'>;
  const out: ConnectionJsonData = { name: goTrimSpace(form.name), auth: form.auth, ...flat };
  if (form.auth !== 'apiKey') {
    delete out.authHeader;
    delete out.authScheme;
  }
  if (form.auth === 'oauth2') {
    const scopes = form.oauth2.scopes.split(/\s+/).filter((s) => s !== '');
    out.oauth2 = {
      tokenUrl: goTrimSpace(form.oauth2.tokenUrl),
      clientId: goTrimSpace(form.oauth2.clientId),
      ...(scopes.length > 0 ? { scopes } : {}),
    };
  }
  const minRoles = Object.fromEntries(
    OVERRIDE_METHODS.filter((m) => form.minRoles[m]).map((m) => [m, form.minRoles[m]])
  );
  if (Object.keys(minRoles).length > 0) {
    out.minRoles = minRoles;
  }
  if (form.cache.enabled) {
    out.cache = dropEmpty({
      enabled: true,
      maxEntries: num(form.cache.maxEntries),
      maxBytes: num(form.cache.maxBytes),
    });
  }
  const rateLimit = dropEmpty({
    perUserPerSecond: num(form.rateLimit.perUserPerSecond),
    perUserBurst: num(form.rateLimit.perUserBurst),
    perConnectionPerSecond: num(form.rateLimit.perConnectionPerSecond),
    perConnectionBurst: num(form.rateLimit.perConnectionBurst),
  });
  if (Object.keys(rateLimit).length > 0) {
    out.rateLimit = rateLimit;
  }
  return out;
}

export function listJsonData(forms: ConnectionForm[]): { connections: ConnectionJsonData[] } {
  return { connections: forms.map(jsonDataFromConnection) };
}

// "" is absent; a number is a number; anything else stays text, typed as
// the number it should be, for the rules to name (as src/settings.ts does).
function num(raw: string): number | undefined {
  const t = goTrimSpace(raw);
  if (t === '') {
    return undefined;
  }
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) ? Number(t) : (t as unknown as number);
}

function dropEmpty<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
