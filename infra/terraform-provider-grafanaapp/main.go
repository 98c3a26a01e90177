// Command terraform-provider-grafanaapp serves the grafanaapp provider to
// Terraform over plugin protocol 6.
package main

// `go generate` keeps examples/ formatted and docs/ in step with the schema.
// tfplugindocs is pinned in go.mod's tool block, so this works offline.
//go:generate terraform fmt -recursive ./examples/
//go:generate go tool tfplugindocs generate --provider-name grafanaapp

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/platformkit/terraform-provider-grafanaapp/internal/provider"
)

// version is set at build time: -ldflags "-X main.version=0.1.0".
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run with support for debuggers like delve")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address:         "registry.terraform.io/platformkit/grafanaapp",
		Debug:           debug,
		ProtocolVersion: 6,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
