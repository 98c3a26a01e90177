// Command api-double runs the third-party API TEST DOUBLE (package
// upstreamdouble) by hand. It writes its CA certificate to --ca-out and
// prints one JSON line when ready:
//
//	{"url":"https://127.0.0.1:NNNN","caFile":"PATH","otherOriginUrl":"https://127.0.0.1:MMMM"}
//
// and runs until SIGINT or SIGTERM. The key is never printed; pass it with
// --key-file to keep it out of the process list. SIGHUP re-reads --key-file,
// so a test can rotate the key the double accepts while its URL and CA stay
// the same; each reload is reported on stderr (without the key).
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/platformkit/apibridge/testkit/upstreamdouble"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "api-double:", err)
		os.Exit(2)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	opts, caOut, keyFile, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	s, err := upstreamdouble.Start(opts)
	if err != nil {
		return err
	}
	defer s.Close()
	//nolint:gosec // G306: a CA certificate is public; the processes that trust it may run as other users
	if err := os.WriteFile(caOut, s.CACertPEM(), 0o644); err != nil {
		return fmt.Errorf("--ca-out: %w", err)
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sig)
	ready, _ := json.Marshal(map[string]string{"url": s.URL(), "caFile": caOut, "otherOriginUrl": s.OtherOriginURL()})
	fmt.Fprintln(stdout, string(ready))
	for got := range sig {
		if got != syscall.SIGHUP {
			break
		}
		reloadKey(s, keyFile, stderr)
	}
	return s.Close()
}

// reloadKey re-reads --key-file on SIGHUP. A file that is missing or empty
// keeps the current key (a half-written rotation must not lock every test
// out) and says so on stderr.
func reloadKey(s *upstreamdouble.Server, keyFile string, stderr io.Writer) {
	if keyFile == "" {
		fmt.Fprintln(stderr, "api-double: SIGHUP ignored: the key came from --key; start with --key-file to rotate it")
		return
	}
	key, err := readKeyFile(keyFile)
	if err != nil {
		fmt.Fprintf(stderr, "api-double: SIGHUP: key not reloaded, the current key stays: %v\n", err)
		return
	}
	s.SetAPIKey(key)
	fmt.Fprintf(stderr, "api-double: SIGHUP: key reloaded from %s\n", keyFile)
}

// readKeyFile returns the key in path without its trailing newline.
func readKeyFile(path string) (string, error) {
	b, err := os.ReadFile(path) //nolint:gosec // G703: the path is the operator's own --key-file flag
	if err != nil {
		return "", fmt.Errorf("--key-file: %w", err)
	}
	key := strings.TrimRight(string(b), "\r\n")
	if key == "" {
		return "", fmt.Errorf("--key-file %s is empty; put the API key in it", path)
	}
	return key, nil
}

// parseFlags returns the double's options, the absolute CA output path and
// the key file ("" when the key came from --key).
func parseFlags(args []string, stderr io.Writer) (upstreamdouble.Options, string, string, error) {
	fs := flag.NewFlagSet("api-double", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var opts upstreamdouble.Options
	var key, keyFile, caOut string
	fs.StringVar(&opts.Addr, "addr", "127.0.0.1:0", "listen address")
	fs.StringVar(&key, "key", "", "API key the double accepts (prefer --key-file)")
	fs.StringVar(&keyFile, "key-file", "", "file holding the API key (trailing newline ignored)")
	fs.StringVar(&caOut, "ca-out", "", "where to write the CA certificate PEM (default: a file in the temp dir)")
	fs.StringVar(&opts.AuthHeader, "auth-header", "", "header carrying the key (default Authorization)")
	fs.StringVar(&opts.AuthScheme, "auth-scheme", "", `scheme before the key (default Bearer; "-" for the raw key)`)
	if err := fs.Parse(args); err != nil {
		return opts, "", "", err
	}
	if fs.NArg() > 0 {
		return opts, "", "", fmt.Errorf("unexpected argument %q; all settings are flags", fs.Arg(0))
	}
	switch {
	case key != "" && keyFile != "":
		return opts, "", "", errors.New("give either --key or --key-file, not both")
	case keyFile != "":
		k, err := readKeyFile(keyFile)
		if err != nil {
			return opts, "", "", err
		}
		key = k
	case key == "":
		return opts, "", "", errors.New("an API key is required: --key K or --key-file F")
	}
	opts.APIKey = key
	// Nothing outside this process can read the recorded requests, and the
	// bench sends hundreds of thousands: count them, keep none.
	opts.KeepRequests = upstreamdouble.NoRecording
	if caOut == "" {
		f, err := os.CreateTemp("", "api-double-ca-*.pem")
		if err != nil {
			return opts, "", "", err
		}
		caOut = f.Name()
		_ = f.Close()
	}
	abs, err := filepath.Abs(caOut)
	if err != nil {
		return opts, "", "", err
	}
	return opts, abs, keyFile, nil
}
