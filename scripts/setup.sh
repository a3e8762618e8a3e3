#!/usr/bin/env bash
# Installs what camgate's demo and tests need, idempotently: Debian packages, npm packages, build.
# Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

DEB_PACKAGES=(
  ffmpeg mosquitto mosquitto-clients openssl iproute2 systemd chromium
  gstreamer1.0-tools gstreamer1.0-rtsp gir1.2-gst-rtsp-server-1.0 python3-gi
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly
  vlc-bin vlc-plugin-base
  postgresql   # the centre's PostgreSQL store is tested against a throwaway cluster (scripts/pg-temp.sh)
)

missing=()
for p in "${DEB_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "camgate setup: missing Debian packages: ${missing[*]}" >&2
    echo "run as root, or: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "camgate setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# VLC (the tests' second RTSP server, UDP only) refuses to run as root: tests started as root run
# it as this unprivileged system user.
if [ "$(id -u)" -eq 0 ] && ! id -u camgate-test >/dev/null 2>&1; then
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin camgate-test
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "camgate setup: Node >= 20 required, found $(node --version)" >&2
  exit 1
fi

# npm ci only when the lock file changed since the last install.
stamp=node_modules/.camgate-lock-sha
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "camgate setup: npm install (builds better-sqlite3 from source when no prebuilt binary can be fetched: ~2 min)"
  # `npm install`, not `npm ci`: this npm (11.x with omit-lockfile-registry-resolved) writes lock
  # files without the other platforms' optional packages, and `npm ci` then refuses them as out of
  # sync. Every version is still pinned: exact versions in package.json, the rest in the lock.
  npm install --no-audit --no-fund --loglevel=error
  # npm 11 runs install scripts only for packages approved in package.json "allowScripts";
  # older npm runs them anyway. Either way, make sure the native module is really there.
  node -e "require('better-sqlite3')" 2>/dev/null || npm rebuild better-sqlite3 --loglevel=error
  echo "$want" >"$stamp"
fi

npm run --silent build
