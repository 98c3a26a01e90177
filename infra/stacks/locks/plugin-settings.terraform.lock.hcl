# This file is maintained automatically by "terraform init".
# Manual edits may be lost in future updates.

provider "registry.terraform.io/platformkit/grafanaapp" {
  version     = "0.1.0"
  constraints = "0.1.0"
  hashes = [
    "h1:0gJPxT5ZIkuX7UJeVBaQof6D5Gw6oWjwKmyEE0PmXoY=",
    "h1:1ihZA7jpipKM6x0395K168cHmBCIuJ1EcctACAZx4JA=",
    "h1:FZTOJVegt8O/hH5xN8hl5jkiibTLlRyI2nO8fyXWUdU=",
    "h1:TZRTHKzyupuHesetKBCxtylWe2Wg8lA+gDtgdwvWJjY=",
    "h1:UGn1dgwSx+HLpcgTq+S/Etk03wwkElwkNwM7nSThAz4=",
  ]
}
