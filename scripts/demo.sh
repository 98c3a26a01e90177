#!/usr/bin/env bash
# The kit's main job, on a machine without Docker: `npm run deploy` of the
# plugin-settings stack, with the API key read from a real OpenBao server,
# against the Grafana double (testkit/) running the real plugin binary, which
# then calls the HTTPS API double with that key. Everything listens on
# 127.0.0.1 and stops when the script ends.
#
# On a machine with Docker, deploy the real thing instead: see README.md,
# "Deploy Grafana on Docker".
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$KIT_ROOT"
bash scripts/bootstrap.sh

demo="$KIT_ROOT/.demo"
demo_stack="apibridge-demo-plugin-settings"
# A fresh start: the demo's state and its stack's working directory (synth
# puts the committed provider lock file back into it).
rm -rf "$demo" "cdktf.out/stacks/$demo_stack" && mkdir -p "$demo/run" && chmod 700 "$demo"
pids=()
key_file="$demo/run/api.key"
cleanup() { rm -f "$key_file"; for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

json_field() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s.split("\n")[0])[process.argv[1]]))' "$1"; }
# wait_ready FILE: the first line a double prints on stdout once it listens.
wait_ready() { for _ in $(seq 1 300); do [ -s "$1" ] && { head -n1 "$1"; return; }; sleep 0.1; done; kit_die "a demo service did not start: $(cat "$1".err 2>/dev/null)"; }
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

kit_log "building the plugin (frontend and linux backend) and the doubles"
(cd plugin && npm run --silent build:frontend >/dev/null && npm run --silent build:backend:linux >/dev/null)
go build -C testkit -o "$KIT_TOOLS/doubles/" ./cmd/grafana-double ./cmd/api-double

# The demo's API key: random, known only to the API double and OpenBao.
(umask 077; printf 'demo-%s' "$(node -e 'console.log(require("crypto").randomBytes(16).toString("hex"))')" >"$key_file")

kit_log "starting the HTTPS API double (third-party API)"
"$KIT_TOOLS/doubles/api-double" --addr 127.0.0.1:0 --key-file "$key_file" --ca-out "$demo/run/api-ca.pem" \
  >"$demo/run/api.ready" 2>"$demo/run/api.ready.err" & pids+=($!)
api_url="$(wait_ready "$demo/run/api.ready" | json_field url)"

kit_log "starting OpenBao (dev server) and storing the key at secret/grafana/apibridge"
bao_port="$(free_port)"
export BAO_ADDR="http://127.0.0.1:$bao_port"
BAO_TOKEN="root-$(node -e 'console.log(require("crypto").randomBytes(12).toString("hex"))')"
export BAO_TOKEN
HOME="$demo/run" bao server -dev -dev-root-token-id="$BAO_TOKEN" -dev-listen-address="127.0.0.1:$bao_port" >"$demo/run/bao.log" 2>&1 & pids+=($!)
for _ in $(seq 1 100); do HOME="$demo/run" bao status >/dev/null 2>&1 && break; sleep 0.2; done
HOME="$demo/run" bao kv put -mount=secret grafana/apibridge apiKey=@"$key_file" >/dev/null

kit_log "starting the Grafana double with plugin/dist"
admin_password="$(node -e 'console.log(require("crypto").randomBytes(12).toString("hex"))')"
# The API double listens on loopback, which the plugin calls only when the
# server's operator allows it ([plugin.<id>] allowed_networks in grafana.ini).
# Grafana hands its whole environment to the plugin process, and a real
# Grafana never holds the store's token: start it without the demo's.
env -u BAO_TOKEN "$KIT_TOOLS/doubles/grafana-double" --addr 127.0.0.1:0 --plugin-dir plugin/dist --admin "admin:$admin_password" \
  --plugin-setting allowed_networks=127.0.0.0/8 \
  >"$demo/run/grafana.ready" 2>"$demo/run/grafana.ready.err" & pids+=($!)
grafana_url="$(wait_ready "$demo/run/grafana.ready" | json_field url)"

cat >"$demo/deployment.json" <<JSON
{
  "name": "apibridge-demo",
  "pluginId": "$KIT_PLUGIN_ID",
  "backend": { "kind": "local", "stateDir": ".demo/state" },
  "grafana": { "url": "$grafana_url", "orgId": 1, "authEnv": "GRAFANA_AUTH" },
  "plugin": {
    "enabled": true, "pinned": true,
    "jsonData": { "apiUrl": "$api_url", "caCertificateFile": ".demo/run/api-ca.pem", "allowedPaths": ["/echo"], "healthPath": "/profile" }
  },
  "secretSource": {
    "kind": "openbao-kv2", "address": "$BAO_ADDR", "mount": "secret", "path": "grafana/apibridge", "field": "apiKey",
    "auth": { "method": "token", "tokenEnv": "BAO_TOKEN" }
  },
  "docker": { "enabled": false }
}
JSON

kit_log "npm run deploy (CDK Terrain + terraform, key from OpenBao; providers verified against infra/stacks/locks/)"
CI=true KIT_CONFIG=.demo/deployment.json GRAFANA_AUTH="admin:$admin_password" npm run --silent deploy 2>&1 | tee "$demo/deploy.log"
grep -q '^\[kit\] deployed key version 1 from OpenBao' "$demo/deploy.log" || kit_die "the deploy printed no record of the key version it deployed"

kit_log "calling the plugin's profile route through Grafana"
profile="$(curl -sS -u "admin:$admin_password" "$grafana_url/api/plugins/$KIT_PLUGIN_ID/resources/profile")"
echo "$profile"
health="$(curl -sS -u "admin:$admin_password" "$grafana_url/api/plugins/$KIT_PLUGIN_ID/health")"
echo "$health"

kit_log "looking for the key in everything the deploy wrote"
key="$(cat "$key_file")"
leaks="$(grep -rlF -- "$key" .demo/state cdktf.out "$demo/deploy.log" 2>/dev/null || true)"
# ... and in every file git would commit (tracked, or untracked and not ignored).
leaks+="$(git ls-files -z -co --exclude-standard | xargs -0 grep -lF -- "$key" 2>/dev/null || true)"
rm -f "$key_file"
[ -z "$leaks" ] || kit_die "the key was found in: $leaks"
case "$profile" in *'"name"'*) ;; *) kit_die "the profile route did not return the API's profile" ;; esac
kit_log "done: the plugin reached the API with the key from OpenBao; the key is in none of .demo/state, cdktf.out, the deploy output or the files git would commit"
