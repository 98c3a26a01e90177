// The app's root page. One page today; routes for more pages go here.
import { AppRootProps } from '@grafana/data';

import { ProfilePage } from '../../pages/Profile/ProfilePage';

export default function App(_props: AppRootProps) {
  return <ProfilePage />;
}
