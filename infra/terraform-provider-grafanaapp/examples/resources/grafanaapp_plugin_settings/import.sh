# Import by <org_id>:<plugin_id>. Secure values cannot be read back from
# Grafana: after import, set secure_json_data_wo_version, and the next apply
# sends secure_json_data_wo.
terraform import grafanaapp_plugin_settings.api_bridge 1:platformkit-apibridge-app
