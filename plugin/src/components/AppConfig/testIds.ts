// data-testid values of the configuration page, for its tests and the browser test.
export const testIds = {
  form: 'apibridge-config-form',
  notSetUp: 'apibridge-config-not-set-up',
  disabled: 'apibridge-config-disabled',
  save: 'apibridge-config-save',
  saveError: 'apibridge-config-save-error',
  health: 'apibridge-config-health',
  apiUrlAdvice: 'apibridge-config-api-url-advice',
};
