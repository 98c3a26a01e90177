# shellcheck shell=bash
# Plugin frontend (plugin/): npm dependencies from the committed lock file,
# and Debian's chromium for the real-browser test (playwright-core drives it;
# no browser is ever downloaded).

if [ ! -x /usr/bin/chromium ]; then
  kit_log "installing Debian chromium for the plugin's browser test"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null || kit_die "apt-get update failed; chromium is needed by scripts/tests/25-plugin-frontend.sh"
  apt-get install -y -qq chromium >/dev/null || kit_die "apt-get install chromium failed"
fi

# npm ci only when the lock file changed since the last install: a stamp in
# node_modules records the lock file's hash.
plugin_lock_sum="$(sha256sum "$KIT_ROOT/plugin/package-lock.json" | cut -d' ' -f1)"
plugin_stamp="$KIT_ROOT/plugin/node_modules/.kit-lock-sha256"
if [ "$(cat "$plugin_stamp" 2>/dev/null)" != "$plugin_lock_sum" ]; then
  kit_log "npm ci in plugin/"
  (cd "$KIT_ROOT/plugin" && npm ci --no-audit --no-fund --loglevel=error) || kit_die "npm ci in plugin/ failed"
  echo "$plugin_lock_sum" >"$plugin_stamp"
fi
unset plugin_lock_sum plugin_stamp
