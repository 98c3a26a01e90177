# The API key comes from an ephemeral source (an ephemeral variable here; an
# ephemeral "vault_kv_secret_v2" resource works the same way) and goes to a
# write-only attribute: it is in no plan and no state. Never write a secret
# as a literal: the literal is part of the configuration, which a saved plan
# contains.
variable "api_key" {
  type      = string
  ephemeral = true
  sensitive = true
}

resource "grafanaapp_plugin_settings" "api_bridge" {
  plugin_id = "platformkit-apibridge-app"
  enabled   = true
  pinned    = true

  # Replaces the plugin's jsonData whole. Key order and whitespace never show a diff.
  json_data = jsonencode({
    apiUrl         = "https://api.example.com/v1"
    timeoutSeconds = 30
    allowedPaths   = ["/reports"]
  })

  secure_json_data_wo = {
    apiKey = var.api_key
  }
  # Bump to send secure_json_data_wo again, e.g. after rotating the key.
  secure_json_data_wo_version = 1

  # Destroy clears the keys and the jsonData this resource wrote; by default it
  # leaves the app enabled (its pages then say "not configured" instead of 404).
  disable_on_destroy = false
}
