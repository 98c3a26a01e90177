# This file is maintained automatically by "terraform init".
# Manual edits may be lost in future updates.

provider "registry.terraform.io/platformkit/grafanaapp" {
  version     = "0.1.0"
  constraints = "0.1.0"
  hashes = [
    "h1:9U8PRBNqpDpc147K+1Q8Xto25zlvCVsSzqygz4rhszw=",
    "h1:JTYcYB3iC6V30u5o2uSDvVt/GQ1qTHGosg1siAANQoE=",
    "h1:P7NJwdJWnPrBUiTBGNfFqF1veNbIr0kVLlcxXWGyJ3A=",
    "h1:VNNuvnww94buPwDitisMduu2yT0MHFdyLgd+PnTPz38=",
    "h1:jbn8uv+PGqtgU1yVvXkv/3YbE67msDHyBkstJJflPNY=",
  ]
}
