#!/usr/bin/env bash
# The README's start command: installs what is missing, builds, starts Vigil on
# http://127.0.0.1:8080 with its own data folder (./data/demo) and seeds a demo catalog the
# first time. Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
npm run build --silent

export VIGIL_DATA_DIR=${VIGIL_DATA_DIR:-./data/demo}
export VIGIL_PORT=${VIGIL_PORT:-8080}
export VIGIL_HOST=${VIGIL_HOST:-127.0.0.1}
base="http://127.0.0.1:${VIGIL_PORT}"

node dist/main.js &
gateway=$!
stop() {
  trap - INT TERM EXIT
  kill -TERM "$gateway" 2>/dev/null || true
  wait "$gateway" 2>/dev/null || true
}
trap stop INT TERM EXIT

for _ in $(seq 1 100); do
  if node -e "fetch('$base/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"; then break; fi
  kill -0 "$gateway" 2>/dev/null || { echo "vigil: the gateway exited during start-up" >&2; exit 1; }
  sleep 0.2
done

node --import tsx scripts/demo-seed.ts "$base"
echo
echo "Vigil demo is running: $base/   (API: $base/api/openapi.json — Ctrl-C to stop)"
wait "$gateway"
