# This file is maintained automatically by "terraform init".
# Manual edits may be lost in future updates.

provider "registry.terraform.io/platformkit/grafanaapp" {
  version     = "0.1.0"
  constraints = "0.1.0"
  hashes = [
    "h1:7wad6lPt5OxmJ0j6CuW9VFfEWv/d9TuE3HwEiM4tZAk=",
    "h1:KhifIDA3zK8IPwx+OelQ/K6HMlEdQR5jaUAjhGkdKd0=",
    "h1:arW6ky+N7gG7uUqomY+KcNit/1crGVnj8PmrqDMCd00=",
    "h1:dEBG6aEg1dv3rvh/DsVETJYUD5bKu56S2JJyfbgzMrQ=",
    "h1:y+kNk8aCzpSj8W+KyEqpqoGj3n4EZ9zgNDOno0Uuu9c=",
  ]
}
