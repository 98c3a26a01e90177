terraform {
  # Write-only attributes (secure_json_data_wo) need Terraform 1.11 or later.
  required_version = ">= 1.11.0"
  required_providers {
    grafanaapp = {
      source  = "platformkit/grafanaapp"
      version = "0.1.0"
    }
  }
}

# The credentials can come from an ephemeral variable (or GRAFANA_AUTH), so
# they are never written to a plan or the state either.
variable "grafana_auth" {
  type      = string
  ephemeral = true
  sensitive = true
}

provider "grafanaapp" {
  url           = "https://grafana.example.com"
  auth          = var.grafana_auth # service-account token of an org Admin, or "user:password"
  org_id        = 1
  retry_timeout = "90s" # keep retrying while a freshly started Grafana boots
}
