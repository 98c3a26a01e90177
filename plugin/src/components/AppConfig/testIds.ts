// data-testid values of the configuration page, for its tests and the browser test.
export const testIds = {
  form: 'apibridge-config-form',
  notSetUp: 'apibridge-config-not-set-up',
  disabled: 'apibridge-config-disabled',
  save: 'apibridge-config-save',
  saveError: 'apibridge-config-save-error',
  health: 'apibridge-config-health',
  apiUrlAdvice: 'apibridge-config-api-url-advice',
  addConnection: 'apibridge-config-add-connection',
  connectionsList: 'apibridge-config-connections',
  listProblem: 'apibridge-config-list-problem',
  switchNotice: 'apibridge-config-switch-notice',
  /** One connection's section, by its place in the list. */
  connection: (index: number) => `apibridge-config-connection-${index}`,
  /** A connection's health verdict, by its name. */
  verdict: (name: string) => `apibridge-config-verdict-${name}`,
  removeConnection: (index: number) => `apibridge-config-remove-connection-${index}`,
};
