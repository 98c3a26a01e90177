// Package upstreamdouble is a TEST DOUBLE of the third-party HTTPS API the
// plugin calls. It is test code: product code must never import it.
//
// It serves HTTPS with its own certificate authority, made at start
// (ECDSA P-256), so a client trusts it only when given CACertPEM - the same
// way the plugin's caCertificate setting works. Every endpoint needs the
// API key in the configured header (default "Authorization: Bearer <key>");
// a wrong or missing key gets 401 {"error":"invalid api key"}. Every
// request, refused or not, is counted (Received) and the latest
// Options.KeepRequests are kept for assertions (Requests).
//
// Endpoints: GET /profile; ANY /echo/* (the key header's value redacted in
// the reply; Requests keeps it); GET /slow?ms=N; GET /huge?bytes=N
// (streamed); GET /redirect-away (302 to a second origin, whose hits are
// counted); GET /redirect-same?to=/path; GET /status/<code>; GET /set-cookie.
//
// Hostile endpoints (hostile.go), each a class of attack on a proxy:
// ANY /hostile/redirect?status=3xx&to=<Location, byte for byte>;
// GET /hostile/headers (HostileHeaders, and the key echoed as a header value
// and as header names); GET /hostile/body[?type=] (a script, as text/html
// by default); GET /hostile/echo-encoded (the key header's value raw,
// JSON-escaped, URL-encoded, base64, base64url, hex and in a Basic header);
// GET /hostile/encoded?ce=gzip|x-gzip|deflate|raw-deflate|gzip, gzip|<other>
// (the key echoed under that Content-Encoding; other labels lie);
// GET /hostile/cut?shape=short|chunk|trickle|grow&size=N[&type=] (a JSON
// document that breaks off); GET /hostile/big?size=N[&type=] (a whole one).
// The server speaks HTTP/1.1 only, so /hostile/cut can cut a connection.
//
// Two auth modes replace the key: Options.OAuth2 (oauth2.go), a token
// endpoint for the client credentials grant whose tokens the API then
// takes, and Options.RequireClientCert (clientcert.go), a listener that
// takes only a client certificate from its own client CA.
//
// ConnectProxy (connectproxy.go) is an outbound CONNECT proxy double that
// records what crosses it; ProxyOnlyURL names the API by a host only such a
// proxy resolves.
package upstreamdouble
