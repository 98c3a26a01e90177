// STAND-IN for the settings contract's list-form rules. The shared
// contract (src/contract/settingsContract.ts checkJsonData) is being
// extended to jsonData.connections on another branch; when it is, this
// file becomes `export const listProblems = (j) => checkJsonData(j)` and
// the rules below go. Until then it holds only what the page must refuse
// for Save to make sense: a name, unique, of the allowed shape; an oauth2
// connection's token URL and client id; whole numbers where the backend
// wants them. The backend checks everything again and says so in the
// health verdict ("not configured: connections[1] (billing)....").
import { apiUrlFinding } from '../contract/apiUrl';
import { goTrimSpace } from '../contract/bytes';
import type { SettingProblem } from '../contract/problems';
import { CONNECTION_NAME, ConnectionJsonData } from './shape';

const MAX_CONNECTIONS = 32;

export function listProblems({ connections }: { connections: ConnectionJsonData[] }): SettingProblem[] {
  if (connections.length === 0) {
    return [{ field: 'connections', problem: 'is empty', fix: 'add at least one connection' }];
  }
  if (connections.length > MAX_CONNECTIONS) {
    return [
      {
        field: 'connections',
        problem: `lists ${connections.length} connections`,
        fix: `keep at most ${MAX_CONNECTIONS}`,
      },
    ];
  }
  const problems: SettingProblem[] = [];
  const seen = new Map<string, number>();
  connections.forEach((c, i) => {
    const label = CONNECTION_NAME.test(c.name) ? `connections[${i}] (${c.name})` : `connections[${i}]`;
    const add = (field: string, problem: string, fix: string) =>
      problems.push({ field: `${label}.${field}`, problem, fix });
    if (c.name === '') {
      add('name', 'is missing', 'name the connection, e.g. billing');
    } else if (!CONNECTION_NAME.test(c.name)) {
      add(
        'name',
        `"${c.name.slice(0, 40)}" is not a connection name`,
        'use a lower-case letter followed by up to 31 lower-case letters, digits or dashes'
      );
    } else if (seen.has(c.name)) {
      add(
        'name',
        `"${c.name}" is already the name of connections[${seen.get(c.name)}]`,
        'give every connection its own name'
      );
    } else {
      seen.set(c.name, i);
    }
    if (c.auth === 'oauth2') {
      const tokenUrl = c.oauth2?.tokenUrl ?? '';
      const finding = tokenUrl === '' ? undefined : apiUrlFinding(tokenUrl, c.allowInsecureLoopback === true);
      if (tokenUrl === '') {
        add('oauth2.tokenUrl', 'is missing', "set it to the https URL of the API's token endpoint");
      } else if (finding) {
        add('oauth2.tokenUrl', finding.problem, finding.fix);
      }
      if (goTrimSpace(c.oauth2?.clientId ?? '') === '') {
        add('oauth2.clientId', 'is missing', 'set the client id the token endpoint issued');
      }
    }
    const wholes: Array<[string, unknown]> = [
      ['cache.maxEntries', c.cache?.maxEntries],
      ['cache.maxBytes', c.cache?.maxBytes],
      ['rateLimit.perUserBurst', c.rateLimit?.perUserBurst],
      ['rateLimit.perConnectionBurst', c.rateLimit?.perConnectionBurst],
    ];
    for (const [field, value] of wholes) {
      if (value !== undefined && (!Number.isInteger(value) || (value as number) < 1)) {
        add(
          field,
          `is ${JSON.stringify(value)}, not a whole number above 0`,
          'set a whole number above 0, or leave it empty'
        );
      }
    }
    for (const field of ['perUserPerSecond', 'perConnectionPerSecond'] as const) {
      const value = c.rateLimit?.[field];
      if (value !== undefined && (typeof value !== 'number' || !(value > 0))) {
        add(`rateLimit.${field}`, `is ${JSON.stringify(value)}`, 'set requests per second above 0, or leave it empty');
      }
    }
  });
  return problems;
}
