// Shown when the plugin cannot reach the API because of its configuration:
// no settings saved yet, the app disabled, no key or URL, or a key the API
// refused. Only an Admin can open the configuration page, so others are told
// whom to ask instead of being sent to a page they cannot open.
import { locationUtil } from '@grafana/data';
import { Alert, LinkButton } from '@grafana/ui';

import { CONFIG_PAGE_URL } from '../../constants';
import { isAdmin } from '../../user';

export const testIds = { setupNeeded: 'apibridge-setup-needed' };

const ASK_AN_ADMIN = 'Ask a Grafana administrator of this organization to update the API Bridge configuration.';

interface Props {
  title: string;
  /** What is wrong and what fixes it, shown to every role. */
  message: string;
  /** What a non-Admin should do, when it differs from asking for a configuration update. */
  viewerHint?: string;
}

export function SetupNeeded({ title, message, viewerHint = ASK_AN_ADMIN }: Props) {
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
        <p>{viewerHint}</p>
      )}
    </Alert>
  );
}
