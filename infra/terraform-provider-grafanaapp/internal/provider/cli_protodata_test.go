package provider

// terraform-plugin-go writes every protocol message to files when
// TF_LOG_SDK_PROTO_DATA_DIR is set, configuration included. The provider
// binary (main.go) refuses it, so a debugging session cannot put the key
// on disk.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAccCLIProtocolDataDirIsIgnored(t *testing.T) {
	accPreCheck(t)
	key := newCanary("protodata")
	s := startStack(t, key)
	dumpDir := filepath.Join(t.TempDir(), "proto-data")
	if err := os.MkdirAll(dumpDir, 0o755); err != nil {
		t.Fatal(err)
	}
	c, logFile := newCLIRun(t, cliConfig,
		"TF_VAR_grafana_url="+s.grafana.URL(), "TF_VAR_grafana_auth="+s.adminAuth(), "TF_VAR_api_key="+key,
		"TF_LOG_SDK_PROTO_DATA_DIR="+dumpDir)
	c.mustTF("init", "-input=false")
	c.mustTF("apply", "-auto-approve", "-input=false")
	if got, _ := s.grafana.StoredSecret(testPluginID, "apiKey"); got != key {
		t.Fatal("apply did not write the key; the test proves nothing")
	}
	if entries, _ := os.ReadDir(dumpDir); len(entries) != 0 {
		t.Fatalf("the provider wrote %d protocol data file(s) into %s", len(entries), dumpDir)
	}
	if !strings.Contains(c.readLog(logFile), "TF_LOG_SDK_PROTO_DATA_DIR ignored") {
		t.Fatal("the provider did not say it ignored TF_LOG_SDK_PROTO_DATA_DIR")
	}
	c.scan("apply with TF_LOG_SDK_PROTO_DATA_DIR", logFile, []string{key, s.grafana.AdminPassword()})
}
