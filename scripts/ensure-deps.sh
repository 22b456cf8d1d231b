#!/usr/bin/env bash
# Installs what Vigil needs on a fresh Debian machine with Node 20: Debian packages (through
# apt-get when running as root; otherwise it says what to install) and the npm packages (npm ci,
# re-run whenever package-lock.json changes). Safe to run again: it skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

# ffmpeg does the media work; GStreamer's RTSP server (driven by Debian's own python3, which
# python3-gi serves) and the DejaVu font run the simulated cameras of the demo and the tests.
DEBIAN_PACKAGES=(
  ffmpeg
  python3-gi gir1.2-gst-rtsp-server-1.0
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly gstreamer1.0-plugins-bad
  gstreamer1.0-libav gstreamer1.0-x
  fonts-dejavu-core
)
# The test suite also drives the web app in Debian's headless Chromium (playwright-core, no
# downloaded browser): scripts/test.sh sets VIGIL_WITH_BROWSER=1.
if [ "${VIGIL_WITH_BROWSER:-0}" = 1 ]; then DEBIAN_PACKAGES+=(chromium); fi

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "vigil: Node.js 20 or newer is needed (found: $(node --version 2>/dev/null || echo none))." >&2
  exit 1
fi

if command -v dpkg-query >/dev/null 2>&1; then
  missing=()
  for pkg in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
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
elif ! command -v ffmpeg >/dev/null 2>&1; then
  echo "vigil: not a Debian machine and ffmpeg is missing; install ffmpeg 5.1 and GStreamer's RTSP server." >&2
  exit 1
fi

# npm ci only when node_modules does not match the lock file (it rebuilds better-sqlite3: slow).
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
stamp=node_modules/.vigil-lock-sha256
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ]; then
  echo "vigil: installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > "$stamp"
fi
