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
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/platformkit/terraform-provider-grafanaapp/internal/provider"
)

// version is set at build time: -ldflags "-X main.version=0.1.0".
var version = "dev"

// protoDataDirEnv makes terraform-plugin-go write every protocol message to
// files, configuration included: secure_json_data_wo values and auth. This
// provider exists to keep those out of files, so it never honours it.
const protoDataDirEnv = "TF_LOG_SDK_PROTO_DATA_DIR"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run with support for debuggers like delve")
	flag.Parse()

	if os.Getenv(protoDataDirEnv) != "" {
		os.Unsetenv(protoDataDirEnv) // read when the server is built, below
		log.Printf("[WARN] %s ignored: it would write secure_json_data_wo values and auth to files", protoDataDirEnv)
	}

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address:         "registry.terraform.io/platformkit/grafanaapp",
		Debug:           debug,
		ProtocolVersion: 6,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
