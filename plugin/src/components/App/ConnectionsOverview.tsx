// Each connection the caller may use, its auth kind and health verdict,
// and the choice of whose profile the page shows.
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { Field, Icon, RadioButtonGroup, useStyles2 } from '@grafana/ui';

import { ConnectionInfo } from '../../connections/shape';

export const testIds = {
  overview: 'apibridge-connections',
  none: 'apibridge-connections-none',
  row: (name: string) => `apibridge-connection-${name}`,
};

const AUTH_WORDS = { apiKey: 'API key', oauth2: 'OAuth2', mtls: 'mTLS' };

interface Props {
  connections: ConnectionInfo[];
  selected: string;
  onSelect: (name: string) => void;
}

export function ConnectionsOverview({ connections, selected, onSelect }: Props) {
  const styles = useStyles2(getStyles);
  return (
    <div data-testid={testIds.overview}>
      <table className={styles.table}>
        <caption className={styles.caption}>Connections</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Auth</th>
            <th scope="col">Health</th>
          </tr>
        </thead>
        <tbody>
          {connections.map((c) => (
            <tr key={c.name} data-testid={testIds.row(c.name)}>
              <td>{c.name}</td>
              <td>{AUTH_WORDS[c.auth] ?? c.auth}</td>
              <td>
                <Icon name={c.health.ok ? 'check-circle' : 'exclamation-triangle'} aria-hidden />{' '}
                {c.health.ok ? 'OK' : 'failing'}: {c.health.message}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Field label="Profile of connection">
        <RadioButtonGroup
          options={connections.map((c) => ({ label: c.name, value: c.name }))}
          value={selected}
          onChange={onSelect}
        />
      </Field>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  table: css({
    borderCollapse: 'collapse',
    marginBottom: theme.spacing(2),
    'th, td': {
      textAlign: 'left',
      padding: theme.spacing(0.5, 2, 0.5, 0),
      borderBottom: `1px solid ${theme.colors.border.weak}`,
    },
  }),
  caption: css({
    captionSide: 'top',
    textAlign: 'left',
    fontWeight: theme.typography.fontWeightMedium,
    marginBottom: theme.spacing(1),
  }),
});
