data "grafanaapp_plugin_settings" "api_bridge" {
  plugin_id = "platformkit-apibridge-app"
}

# Secure values are never readable; only the names of the keys Grafana holds.
output "api_key_is_set" {
  value = contains(data.grafanaapp_plugin_settings.api_bridge.secure_json_fields, "apiKey")
}

output "api_url" {
  value = jsondecode(data.grafanaapp_plugin_settings.api_bridge.json_data).apiUrl
}
