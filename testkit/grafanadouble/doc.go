// Package grafanadouble is a TEST DOUBLE of the slice of Grafana's HTTP API
// that the kit uses. It is test code: product code must never import it.
//
// What is real: the plugin backend binary and its protocol. The double
// launches the binary from a plugin dist directory exactly the way Grafana
// does (hashicorp/go-plugin, handshake ProtocolVersion 2 with magic cookie
// grafana_plugin_type=datasource, gRPC only, the SDK's pluginv2 clients) and
// talks to it with CallResource (streamed) and CheckHealth.
//
// What is a double: the HTTP API in front of it, which implements the
// documented contract of Grafana's pkg/api/plugins.go for one org:
//
//   - GET  /api/health
//   - GET  /api/plugins/<id>/settings   (any signed-in role; secure values never returned)
//   - POST /api/plugins/<id>/settings   (org Admin; jsonData replaced whole,
//     secureJsonData merged key by key, any value sent, even "", overwrites)
//   - ANY  /api/plugins/<id>/resources/* (any signed-in role, forwarded over gRPC)
//   - GET  /api/plugins/<id>/health     (200 for OK, 400 otherwise, like Grafana 11+)
//   - POST /login, GET /logout          (grafana_session cookie for browser tests)
//
// secureJsonData is encrypted at rest with AES-GCM under a key derived from
// Options.SecretKey and is decrypted only into the PluginContext sent to the
// plugin (AppInstanceSettings.DecryptedSecureJSONData). AtRestStore and
// StoredSecret exist so tests can prove both halves of that promise.
package grafanadouble
