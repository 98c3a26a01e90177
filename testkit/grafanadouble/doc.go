// Package grafanadouble is a TEST DOUBLE of the slice of Grafana's HTTP API
// that the kit uses. It is test code: product code must never import it.
//
// What is real: the plugin backend binary and its protocol. The double
// launches the binary from a plugin dist directory the way Grafana does
// (hashicorp/go-plugin, handshake ProtocolVersion 2 with magic cookie
// grafana_plugin_type=datasource, gRPC only, the SDK's pluginv2 clients) and
// talks to it with CallResource (streamed) and CheckHealth.
//
// What is a double: the HTTP API in front of it, which models Grafana 13's
// source by default - checkAppEnabled, the one-second Updated column, the
// per-replica plugin-context and decrypted-secrets caches, replicas sharing
// one settings table, the response and CSRF middleware, Grafana's error
// bodies, the plugin's environment and log level - for these routes:
//
//   - GET  /api/health
//   - GET  /api/plugins/<id>/settings   (plugins.app:access; secure values never returned)
//   - POST /api/plugins/<id>/settings   (plugins:write; application/json; jsonData replaced
//     whole, secureJsonData merged key by key)
//   - ANY  /api/plugins/<id>/resources/* (plugins.app:access, app enabled; forwarded over gRPC)
//   - GET  /api/plugins/<id>/health     (app enabled)
//   - GET  /api/plugins/<id>/metrics    (org Admin; the plugin's CollectMetrics)
//   - POST /login, GET /logout, GET /api/user
//
// testkit/README.md holds the fidelity table: each behaviour, the Grafana
// source it comes from, the code here and the test that proves it.
package grafanadouble
