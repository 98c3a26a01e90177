// Package upstreamdouble is a TEST DOUBLE of the third-party HTTPS API the
// plugin calls. It is test code: product code must never import it.
//
// It serves HTTPS with its own certificate authority, made at start
// (ECDSA P-256), so a client trusts it only when given CACertPEM - the same
// way the plugin's caCertificate setting works. Every endpoint needs the
// API key in the configured header (default "Authorization: Bearer <key>");
// a wrong or missing key gets 401 {"error":"invalid api key"}. Every
// request, refused or not, is recorded for assertions.
//
// Endpoints: GET /profile; ANY /echo/* (the key header's value redacted in
// the reply; Requests keeps it); GET /slow?ms=N; GET /huge?bytes=N
// (streamed); GET /redirect-away (302 to a second origin, whose hits are
// counted); GET /redirect-same?to=/path; GET /status/<code>; GET /set-cookie.
package upstreamdouble
