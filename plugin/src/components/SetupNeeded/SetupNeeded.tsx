// Shown when the plugin cannot reach the API because of its configuration
// (no key, no URL, or a key the API refused). Only an Admin can open the
// configuration page, so others are told whom to ask instead of being sent
// to a page they cannot open.
import { locationUtil } from '@grafana/data';
import { Alert, LinkButton } from '@grafana/ui';

import { CONFIG_PAGE_URL } from '../../constants';
import { isAdmin } from '../../user';

export const testIds = { setupNeeded: 'apibridge-setup-needed' };

interface Props {
  title: string;
  /** The backend's message, which says what to fix. */
  message: string;
}

export function SetupNeeded({ title, message }: Props) {
  const admin = isAdmin();
  return (
    <Alert title={title} severity="warning" data-testid={testIds.setupNeeded}>
      <p>{message}</p>
      {admin ? (
        // assureBaseUrl: Grafana may be served under a sub-path (root_url).
        <LinkButton href={locationUtil.assureBaseUrl(CONFIG_PAGE_URL)} icon="cog" variant="primary">
          Open the configuration page
        </LinkButton>
      ) : (
        <p>Ask a Grafana administrator of this organization to update the API Bridge configuration.</p>
      )}
    </Alert>
  );
}
