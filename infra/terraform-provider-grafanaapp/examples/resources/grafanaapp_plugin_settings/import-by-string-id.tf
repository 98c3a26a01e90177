# Terraform 1.5+: import in a plan, reviewed like any other change. The id is
# <org_id>:<plugin_id>. Secure values cannot be read back from Grafana, so the
# first apply after the import sends secure_json_data_wo.
import {
  to = grafanaapp_plugin_settings.api_bridge
  id = "1:platformkit-apibridge-app"
}
