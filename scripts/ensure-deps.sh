#!/usr/bin/env bash
# Installs what Vigil needs on a fresh Debian machine with Node 20: Debian packages (through
# apt-get when running as root; otherwise it says what to install) and the npm packages (npm ci,
# re-run whenever package-lock.json changes). Safe to run again: it skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages and the command each one provides.
DEBIAN_PACKAGES=(ffmpeg)
PACKAGE_COMMANDS=(ffmpeg)

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "vigil: Node.js 20 or newer is needed (found: $(node --version 2>/dev/null || echo none))." >&2
  exit 1
fi

missing=()
for i in "${!DEBIAN_PACKAGES[@]}"; do
  pkg=${DEBIAN_PACKAGES[$i]}
  if command -v dpkg-query >/dev/null 2>&1; then
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  else
    command -v "${PACKAGE_COMMANDS[$i]}" >/dev/null 2>&1 || missing+=("$pkg")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "vigil: installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "vigil: missing Debian packages: ${missing[*]}" >&2
    echo "       install them with: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

# npm ci only when node_modules does not match the lock file (it rebuilds better-sqlite3: slow).
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
stamp=node_modules/.vigil-lock-sha256
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ]; then
  echo "vigil: installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > "$stamp"
fi
