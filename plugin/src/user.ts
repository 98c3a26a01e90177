// Who is looking at the page: the frontend only uses this to choose what to
// say (a link for an Admin, "ask an admin" for others); the backend enforces
// roles itself.
import { OrgRole } from '@grafana/data';
import { config } from '@grafana/runtime';

export function isAdmin(): boolean {
  const user = config.bootData?.user;
  return user?.orgRole === OrgRole.Admin || user?.isGrafanaAdmin === true;
}
