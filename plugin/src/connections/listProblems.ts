// The list form's rules are the shared settings contract's
// (src/contract/connections.ts through checkJsonData): names, auth kinds,
// oauth2, minRoles, cache and rateLimit, in the backend's order. The
// contract stops at the first problem, as the backend does; the page shows
// it beside its field (rules.ts), and every flat setting's problems at once
// through validateSettings.
import { checkJsonData } from '../contract/settingsContract';
import type { SettingProblem } from '../contract/problems';
import { ConnectionJsonData } from './shape';

export function listProblems(jsonData: { connections: ConnectionJsonData[] }): SettingProblem[] {
  return checkJsonData(jsonData);
}
