# This file is maintained automatically by "terraform init".
# Manual edits may be lost in future updates.

provider "registry.terraform.io/platformkit/grafanaapp" {
  version     = "0.1.0"
  constraints = "0.1.0"
  hashes = [
    "h1:+8L3UK2wB1DnNw7Gp04zXXd4CpFaS6LAhUuuAbk0rP8=",
    "h1:GoRMnVL2wBMtnRe5oP099/gu6iYAaWZtHTw5NYWBGUQ=",
    "h1:NrSEbugn6khj+Bed+YzN19CBnNMQ9h3QZqlFF6rhpDA=",
    "h1:dUZdKR5ZNFKGU/nGq4tZRe8QNzxyVdLiphHHp3Nms7s=",
    "h1:ePkx2nwDlkPijUzjwfnASui0ssvOoieDYZPMj5+itRI=",
  ]
}
