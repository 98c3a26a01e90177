// Values Grafana ships with that a deployment must never keep.

/** Grafana's built-in default secret_key (conf/defaults.ini). Anyone who has
 * Grafana's source can decrypt secureJsonData encrypted with it. */
export const GRAFANA_DEFAULT_SECRET_KEY = 'SW2YcwTIb9zpOOhoPsMm';

/** Grafana's built-in default admin password. */
export const GRAFANA_DEFAULT_ADMIN_PASSWORD = 'admin';
